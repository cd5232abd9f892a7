import type { Condition, ManagerStatus, Problem } from "../api/types";
import {
  buildConditions,
  buildEventSummary,
  buildStatus,
  isStatusEqual,
  type RunCounts,
  type StatusInput,
} from "./status";

const T0 = "2024-01-01T00:00:00Z";
const T1 = "2024-01-02T00:00:00Z";
const cond = (type: Condition["type"], status: Condition["status"], at = T0): Condition => ({
  type,
  status,
  reason: "r",
  message: "m",
  lastTransitionTime: at,
  observedGeneration: 1,
});

describe("buildConditions", () => {
  it.each<[string, Condition[] | undefined, Condition["status"], string]>([
    ["no previous", undefined, "True", T1],
    ["same status keeps the time", [cond("Ready", "True")], "True", T0],
    ["new status takes now", [cond("Ready", "False")], "True", T1],
    ["other type only", [cond("Degraded", "True")], "True", T1],
  ])("%s", (_, prev, status, at) => {
    const [c] = buildConditions(
      prev,
      [{ type: "Ready", status, reason: "x", message: "y" }],
      T1,
      7,
    );
    expect(c).toEqual({
      type: "Ready",
      status,
      reason: "x",
      message: "y",
      lastTransitionTime: at,
      observedGeneration: 7,
    });
  });
});

const p = (namespace: string, reason: Problem["reason"], secret?: string): Problem => ({
  namespace,
  ...(secret ? { secret } : {}),
  reason,
  message: `The ${reason} of ${namespace}.`,
});
const input = (over: Partial<StatusInput> = {}): StatusInput => ({
  generation: 3,
  namespaces: 2,
  secrets: 4,
  problems: [],
  failed: [],
  dryRun: false,
  now: T1,
  ...over,
});
const brief = (s: ManagerStatus) =>
  (s.conditions ?? []).map(c => `${c.type}=${c.status}/${c.reason}`).join(" ");

describe("buildStatus", () => {
  it.each<[string, Partial<StatusInput>, string]>([
    ["clean", {}, "Ready=True/Reconciled Degraded=False/NoProblems"],
    [
      "dry run",
      { dryRun: true, plan: ["create a/x"] },
      "Ready=True/DryRun Degraded=False/NoProblems",
    ],
    [
      "conflict",
      { problems: [p("b", "SecretConflict", "x"), p("a", "ManagerConflict", "y")] },
      "Ready=True/Reconciled Degraded=True/ManagerConflict",
    ],
    [
      "write failure",
      { problems: [p("z", "WriteFailed", "x")], failed: ["create z/x: 403"] },
      "Ready=False/ReconcileFailed Degraded=True/WriteFailed",
    ],
  ])("%s", (_, over, expected) =>
    expect(brief(buildStatus(undefined, input(over)))).toBe(expected),
  );

  it("counts, sorts and bounds problems", () => {
    const many = Array.from({ length: 25 }, (_, i) =>
      p(`ns-${String(i).padStart(2, "0")}`, "SecretConflict", "s"),
    );
    const s = buildStatus(undefined, input({ problems: [...many].reverse(), serviceAccounts: 5 }));
    expect(s.problemCount).toBe(25);
    expect(s.problems).toEqual(many.slice(0, 20));
    expect(s).toMatchObject({
      observedGeneration: 3,
      namespaces: 2,
      secrets: 4,
      serviceAccounts: 5,
    });
    expect(s).not.toHaveProperty("pods");
    expect(s).not.toHaveProperty("plan");
    expect(s.conditions?.[1].message).toBe("25 problems; first: The SecretConflict of ns-00.");
  });

  it("sorts by namespace, then Secret, then reason", () => {
    const problems = [
      p("a", "SecretConflict", "y"),
      p("a", "ManagerConflict", "y"),
      p("a", "PlaceholderReference"),
      p("A", "WriteFailed"),
    ];
    const s = buildStatus(undefined, input({ problems }));
    expect(s.problems?.map(x => `${x.namespace}/${x.secret ?? ""}/${x.reason}`)).toEqual([
      "A//WriteFailed",
      "a//PlaceholderReference",
      "a/y/ManagerConflict",
      "a/y/SecretConflict",
    ]);
  });

  it.each([
    [3, 3, "line 2"],
    [50, 50, "line 49"],
    [51, 50, "... and 2 more"],
    [120, 50, "... and 71 more"],
  ])("cuts a plan of %d lines to %d", (n, kept, last) => {
    const plan = Array.from({ length: n }, (_, i) => `line ${i}`);
    const s = buildStatus(undefined, input({ dryRun: true, plan }));
    expect(s.plan).toHaveLength(kept);
    expect(s.plan?.[kept - 1]).toBe(last);
    expect(s.conditions?.[0].message).toMatch(/nothing was written/);
  });

  it("keeps transition times across runs and carries extra fields", () => {
    const first = buildStatus(undefined, input({ now: T0 }));
    const second = buildStatus(first, input({ now: T1, extra: { plan: ["stale"], secrets: 99 } }));
    expect(second.conditions?.map(c => c.lastTransitionTime)).toEqual([T0, T0]);
    expect(second.secrets).toBe(4);
    expect(second.plan).toEqual(["stale"]);
    expect(isStatusEqual(first, buildStatus(first, input({ now: T1 })))).toBe(true);
  });
});

describe("isStatusEqual", () => {
  const s: ManagerStatus = {
    observedGeneration: 1,
    conditions: [cond("Ready", "True")],
    problems: [],
  };
  it.each<[string, ManagerStatus | undefined, ManagerStatus | undefined, boolean]>([
    ["same", s, { ...s }, true],
    [
      "key order",
      s,
      { problems: [], conditions: [cond("Ready", "True")], observedGeneration: 1 },
      true,
    ],
    ["undefined key", s, { ...s, pods: undefined }, true],
    ["both undefined", undefined, undefined, true],
    ["one undefined", s, undefined, false],
    ["nested change", s, { ...s, conditions: [cond("Ready", "True", T1)] }, false],
    ["array order", { plan: ["a", "b"] }, { plan: ["b", "a"] }, false],
    ["extra key", s, { ...s, pods: 0 }, false],
  ])("%s", (_, a, b, expected) => expect(isStatusEqual(a, b)).toBe(expected));
});

describe("buildEventSummary", () => {
  const zero: RunCounts = {
    created: 0,
    updated: 0,
    deleted: 0,
    attached: 0,
    detached: 0,
    conflicts: 0,
    failures: 0,
  };
  it.each<[Partial<RunCounts>, string | undefined]>([
    [{}, undefined],
    [
      { created: 3, updated: 1, attached: 4 },
      "Normal Reconciled: created 3, updated 1, deleted 0 Secrets; attached 4, detached 0 references",
    ],
    [
      { created: 3, updated: 1, attached: 4, conflicts: 1 },
      "Warning Conflict: created 3, updated 1, deleted 0 Secrets; attached 4, detached 0 references; 1 conflict",
    ],
    [
      { conflicts: 2, failures: 1 },
      "Warning ReconcileFailed: created 0, updated 0, deleted 0 Secrets; attached 0, detached 0 references; 2 conflicts; 1 failure",
    ],
    [
      { detached: 1 },
      "Normal Reconciled: created 0, updated 0, deleted 0 Secrets; attached 0, detached 1 references",
    ],
  ])("%j", (counts, expected) => {
    const e = buildEventSummary({ ...zero, ...counts });
    expect(e && `${e.type} ${e.reason}: ${e.message}`).toBe(expected);
  });
});
