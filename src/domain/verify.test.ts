import type { CredentialCheck } from "../api/types";
import {
  buildCredentialChecks,
  buildCredentialsCondition,
  buildTurnedBadEvent,
  buildVerifyInterval,
  planChecks,
  REGISTRY_MIN_SPACING_MS,
  StoredResult,
} from "./verify";
import { buildCredentialKey, Credential } from "./verify-credentials";
import { FIXED_MESSAGES } from "./verify-policy";

const cred = (secret: string, registry: string, hash = "h1"): Credential => ({
  secret,
  registry,
  username: "u",
  password: "p",
  hash,
});
const stored = (
  at: number,
  hash = "h1",
  result: StoredResult["result"] = "Valid",
): StoredResult => ({
  hash,
  at,
  result,
  message: "m",
});
const HOUR = 3_600_000;
const NOW = 10 * HOUR;

describe("buildVerifyInterval", () => {
  it.each([
    ["unset: 360 minutes", undefined, 360],
    ["set", { enabled: true, intervalMinutes: 5 }, 5],
    ["the lower bound", { intervalMinutes: 1 }, 1],
    ["the upper bound", { intervalMinutes: 10080 }, 10080],
    ["below: the default", { intervalMinutes: 0 }, 360],
    ["above: the default", { intervalMinutes: 10081 }, 360],
    ["a fraction: the default", { intervalMinutes: 1.5 }, 360],
  ])("%s", (_name, spec, minutes) => {
    expect(buildVerifyInterval(spec)).toBe(minutes * 60_000);
  });

  it("a registry is contacted at most once a minute by default", () => {
    expect(REGISTRY_MIN_SPACING_MS).toBe(60_000);
  });
});

describe("planChecks", () => {
  const a = cred("s", "a.io");
  const b = cred("s", "b.io");
  const a2 = cred("t", "https://a.io/");
  const results = (entries: [Credential, StoredResult][]) =>
    new Map(entries.map(([c, r]) => [buildCredentialKey(c), r]));
  it.each<
    [
      string,
      Credential[],
      [Credential, StoredResult][],
      [string, number][],
      string[],
      number | undefined,
    ]
  >([
    ["never checked: due", [a, b], [], [], ["a.io", "b.io"], undefined],
    [
      "checked recently: due at the interval",
      [a],
      [[a, stored(NOW - HOUR)]],
      [],
      [],
      NOW + 5 * HOUR,
    ],
    ["the interval has passed: due", [a], [[a, stored(NOW - 6 * HOUR)]], [], ["a.io"], undefined],
    [
      "changed (hash): due at once",
      [cred("s", "a.io", "h2")],
      [[a, stored(NOW - HOUR)]],
      [],
      ["a.io"],
      undefined,
    ],
    [
      "changed, but its registry was contacted 10 s ago: after the spacing",
      [cred("s", "a.io", "h2")],
      [[a, stored(NOW - HOUR)]],
      [["a.io", NOW - 10_000]],
      [],
      NOW + 50_000,
    ],
    [
      "two credentials of one host: one now, one after the spacing",
      [a, a2],
      [],
      [],
      ["a.io"],
      NOW + 60_000,
    ],
    ["other hosts are not held back", [a, a2, b], [], [], ["a.io", "b.io"], NOW + 60_000],
  ])("%s", (_name, creds, known, contacted, due, nextAt) => {
    const plan = planChecks(creds, results(known), new Map(contacted), NOW, 6 * HOUR, 60_000);
    expect(plan.due.map(c => c.registry.replace(/^https:\/\/|\/$/g, ""))).toEqual(due);
    expect(plan.nextAt).toBe(nextAt);
  });
});

describe("buildCredentialChecks", () => {
  it("lists results of the current content only, sorted, time in seconds", () => {
    const x = cred("x", "b.io");
    const y = cred("a", "z.io");
    const changed = cred("a", "c.io", "new");
    const results = new Map([
      [buildCredentialKey(x), stored(Date.UTC(2026, 0, 2, 3, 4, 5, 678))],
      [buildCredentialKey(y), stored(0, "h1", "Rejected")],
      [buildCredentialKey(changed), stored(0, "old")],
    ]);
    expect(buildCredentialChecks([x, y, changed], results)).toEqual([
      {
        secret: "a",
        registry: "z.io",
        result: "Rejected",
        checkedAt: "1970-01-01T00:00:00Z",
        message: "m",
      },
      {
        secret: "x",
        registry: "b.io",
        result: "Valid",
        checkedAt: "2026-01-02T03:04:05Z",
        message: "m",
      },
    ]);
  });
});

describe("buildCredentialsCondition", () => {
  const check = (secret: string, result: CredentialCheck["result"]): CredentialCheck => ({
    secret,
    registry: "r.io",
    result,
    checkedAt: "t",
    message: `said ${result}`,
  });
  it.each<[string, number, CredentialCheck[], string, string, RegExp]>([
    [
      "all valid",
      2,
      [check("a", "Valid"), check("b", "Valid")],
      "True",
      "CredentialsValid",
      /2 credentials accepted/,
    ],
    ["none", 0, [], "True", "NoCredentials", /No credentials/],
    ["not all checked yet", 2, [check("a", "Valid")], "Unknown", "Checking", /1 of 2 credentials/],
    [
      "rejected wins over unreachable",
      3,
      [check("a", "Unreachable"), check("b", "Rejected"), check("c", "Valid")],
      "False",
      "CredentialRejected",
      /1 credential rejected; first: Secret b for r.io: said Rejected/,
    ],
    [
      "unreachable",
      2,
      [check("a", "Unreachable"), check("b", "Valid")],
      "False",
      "RegistryUnreachable",
      /1 credential could not be checked/,
    ],
  ])("%s", (_name, total, checks, status, reason, message) => {
    const c = buildCredentialsCondition(total, checks);
    expect([c.type, c.status, c.reason]).toEqual(["CredentialsValid", status, reason]);
    expect(c.message).toMatch(message);
  });
});

describe("buildTurnedBadEvent", () => {
  const c = cred("s", "r.io");
  it.each<[string, StoredResult | undefined, StoredResult["result"], string | undefined]>([
    ["first check rejected", undefined, "Rejected", "CredentialRejected"],
    ["first check unreachable", undefined, "Unreachable", "RegistryUnreachable"],
    ["valid to rejected", stored(0), "Rejected", "CredentialRejected"],
    ["rejected to unreachable", stored(0, "h1", "Rejected"), "Unreachable", "RegistryUnreachable"],
    ["still rejected: no Event", stored(0, "h1", "Rejected"), "Rejected", undefined],
    ["valid: no Event", stored(0, "h1", "Rejected"), "Valid", undefined],
    ["first check valid: no Event", undefined, "Valid", undefined],
  ])("%s", (_name, before, result, reason) => {
    expect(buildTurnedBadEvent(c, before, { result, message: "HTTP 401" })?.reason).toBe(reason);
  });
});

describe("buildTurnedBadEvent: the message", () => {
  const c = cred("s", "r.io");
  it.each<[string, StoredResult["result"], string, string]>([
    [
      "a cluster manager's detail, in brackets",
      "Rejected",
      "the registry answered HTTP 401",
      "Secret s for r.io: the registry rejected the credentials (the registry answered HTTP 401).",
    ],
    [
      "a namespaced manager's fixed message, alone",
      "Rejected",
      FIXED_MESSAGES.rejected,
      "Secret s for r.io: the registry rejected the credentials.",
    ],
    [
      "a policy refusal",
      "Unreachable",
      FIXED_MESSAGES["not-allowed"],
      `Secret s for r.io: ${FIXED_MESSAGES["not-allowed"]}.`,
    ],
  ])("%s", (_name, result, message, want) => {
    expect(buildTurnedBadEvent(c, undefined, { result, message })?.message).toBe(want);
  });
});
