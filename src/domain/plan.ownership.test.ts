// Issue 11 #7: a Secret labelled as Cheiron's is ours only with a valid owner proof (an HMAC under the
// watcher's key); before, labels alone made a tenant's Secret "owned", so Cheiron overwrote or deleted it.
import type { DesiredSecret, ExistingSecret } from "./model";
import { buildOwnerProof, buildReprovenEvent, checkOwnership } from "./ownership";
import { planSecrets } from "./plan";

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const UID = "uid-1";
const ID = "cipsm.c";
const TYPE = "kubernetes.io/dockerconfigjson";
const DATA = { ".dockerconfigjson": "e30=" };
const proof = (ns: string, name: string, key = KEY, uid = UID) =>
  buildOwnerProof(key, uid, ns, name);

const want = (namespace: string, name: string): DesiredSecret => ({
  namespace,
  name,
  type: TYPE,
  data: DATA,
  hash: "h1",
  managerId: ID,
  owner: "ClusterImagePullSecretManager/c",
  registries: [],
  ownerProof: proof(namespace, name),
});
const labelled = (
  ns: string,
  name: string,
  annotations: Record<string, string> = {},
  data = DATA,
) =>
  ({
    namespace: ns,
    name,
    type: TYPE,
    data,
    labels: {
      "app.kubernetes.io/managed-by": "cheiron",
      "cheiron.anny.co/manager": ID,
      "cheiron.anny.co/content-hash": "h1",
    },
    annotations: { "cheiron.anny.co/owner": "ClusterImagePullSecretManager/c", ...annotations },
  }) as ExistingSecret;
const P = "cheiron.anny.co/owner-proof";
const verify = (e: ExistingSecret) => checkOwnership(e, KEY, UID);

const summary = (desired: DesiredSecret[], existing: ExistingSecret[]) => {
  const plan = planSecrets(ID, desired, existing, {}, undefined, verify);
  return [
    ...plan.create.map(d => `create ${d.name}`),
    ...plan.update.map(u => `update ${u.desired.name}`),
    ...plan.delete.map(e => `delete ${e.name}`),
    ...plan.problems.map(
      p => `${p.reason} ${p.secret}: ${p.message.includes("wrong") ? "wrong proof" : "no proof"}`,
    ),
    `attach ${(plan.attachable.a ?? []).join(",")}`,
  ];
};

describe("checkOwnership", () => {
  it.each([
    ["the proof for this manager, namespace and name", proof("a", "s"), "proven"],
    ["no proof", undefined, "legacy"],
    ["the proof of another Secret (copied)", proof("a", "other"), "mismatched"],
    ["the proof of another namespace (copied)", proof("b", "s"), "mismatched"],
    ["a proof for another manager uid", proof("a", "s", KEY, "uid-2"), "mismatched"],
    ["a proof under another key (guessed)", proof("a", "s", OTHER_KEY), "mismatched"],
    ["garbage", "x", "mismatched"],
  ])("%s -> %s", (_what, value, expected) => {
    const e = labelled("a", "s", value === undefined ? {} : { [P]: value });
    expect(checkOwnership(e, KEY, UID)).toBe(expected);
  });
});

describe("planSecrets with ownership proofs", () => {
  it.each([
    [
      "proven, wanted, unchanged: nothing to do",
      [want("a", "s")],
      [labelled("a", "s", { [P]: proof("a", "s") })],
      ["attach s"],
    ],
    [
      "proven, not wanted: deleted",
      [],
      [labelled("a", "s", { [P]: proof("a", "s") })],
      ["delete s", "attach "],
    ],
    [
      "copied proof, other data, wanted: left alone, reported",
      [want("a", "s")],
      [labelled("a", "s", { [P]: proof("a", "x") }, { ".dockerconfigjson": "dGVuYW50" })],
      ["SecretConflict s: wrong proof", "attach "],
    ],
    [
      "forged proof, not wanted: never deleted",
      [],
      [labelled("a", "s", { [P]: "f00" })],
      ["SecretConflict s: wrong proof", "attach "],
    ],
    [
      "labels only, other data, wanted: left alone",
      [want("a", "s")],
      [labelled("a", "s", {}, { ".dockerconfigjson": "dGVuYW50" })],
      ["SecretConflict s: no proof", "attach "],
    ],
    [
      "labels only, not wanted: never deleted",
      [],
      [labelled("a", "s")],
      ["SecretConflict s: no proof", "attach "],
    ],
    [
      "labels only, exactly the wanted data (written before proofs): re-proven",
      [want("a", "s")],
      [labelled("a", "s")],
      ["update s", "attach s"],
    ],
  ])("%s", (_what, desired, existing, expected) => {
    expect(summary(desired, existing)).toEqual(expected);
  });
});

// Issue 22 #2: a proof that no longer matches (the ownership key was lost and created anew, or the manager came
// back from a backup with a new uid) made every copy "forged": a SecretConflict, never attachable, detached
// everywhere and never updated again. Exactly the manager's data is what makes taking it back safe.
describe("planSecrets: a proof that no longer matches", () => {
  const oldKey = { [P]: proof("a", "s", OTHER_KEY) };
  const oldUid = { [P]: proof("a", "s", KEY, "uid-0") };
  const TENANT = { ".dockerconfigjson": "dGVuYW50" };
  const reproven = (desired: DesiredSecret[], existing: ExistingSecret[]) =>
    planSecrets(ID, desired, existing, {}, undefined, verify).update.map(
      u => `${u.desired.name}: ${u.reprove ?? "no"}`,
    );
  it.each([
    [
      "old key, exactly the wanted data: re-proven, attachable",
      [want("a", "s")],
      [labelled("a", "s", oldKey)],
      ["update s", "attach s"],
      ["s: mismatched"],
    ],
    [
      "old manager uid, exactly the wanted data: re-proven, attachable",
      [want("a", "s")],
      [labelled("a", "s", oldUid)],
      ["update s", "attach s"],
      ["s: mismatched"],
    ],
    [
      "old key, other data: left alone, reported",
      [want("a", "s")],
      [labelled("a", "s", oldKey, TENANT)],
      ["SecretConflict s: wrong proof", "attach "],
      [],
    ],
    [
      "old key, not wanted: never deleted (nothing to compare with)",
      [],
      [labelled("a", "s", oldKey)],
      ["SecretConflict s: wrong proof", "attach "],
      [],
    ],
    [
      "no proof, exactly the wanted data: re-proven as before",
      [want("a", "s")],
      [labelled("a", "s")],
      ["update s", "attach s"],
      ["s: legacy"],
    ],
    [
      "no proof, other data: left alone as before",
      [want("a", "s")],
      [labelled("a", "s", {}, TENANT)],
      ["SecretConflict s: no proof", "attach "],
      [],
    ],
    [
      "current proof, data changed (a rotation): an update, not a re-proof",
      [{ ...want("a", "s"), data: TENANT, hash: "h2" }],
      [labelled("a", "s", { [P]: proof("a", "s") })],
      ["update s", "attach s"],
      ["s: no"],
    ],
  ])("%s", (_what, desired, existing, expected, reprove) => {
    expect(summary(desired, existing)).toEqual(expected);
    expect(reproven(desired, existing)).toEqual(reprove);
  });

  it("another type with exactly the wanted data is not the manager's data: reported", () => {
    const e = { ...labelled("a", "s", oldKey), type: "kubernetes.io/dockercfg" };
    expect(summary([want("a", "s")], [e])).toEqual(["SecretConflict s: wrong proof", "attach "]);
  });

  it("a cached Secret without data is compared by its content hash", () => {
    const e = { ...labelled("a", "s", oldKey), data: undefined };
    expect(summary([want("a", "s")], [{ ...e, dataHash: "h1" }])).toEqual(["update s", "attach s"]);
    expect(summary([want("a", "s")], [{ ...e, dataHash: "h0" }])).toEqual([
      "SecretConflict s: wrong proof",
      "attach ",
    ]);
  });
});

describe("buildReprovenEvent", () => {
  const secret = (name: string, reprove?: "legacy" | "mismatched") => ({
    ...want("a", name),
    data: { ".dockerconfigjson": "c2VjcmV0LXBhc3N3b3Jk" },
    reprove,
  });
  it("none re-proven: no Event", () => {
    expect(buildReprovenEvent([secret("s")])).toBeUndefined();
  });
  it("names the Secrets and why, sorted, at most five of each, never their data", () => {
    const many = ["f", "e", "d", "c", "b", "a"].map(n => secret(n, "mismatched"));
    const event = buildReprovenEvent([...many, secret("old", "legacy"), secret("s")])!;
    expect(event.type).toBe("Normal");
    expect(event.reason).toBe("OwnershipReproven");
    expect(event.message).toContain("no longer matches");
    expect(event.message).toContain("a/a, a/b, a/c, a/d, a/e and 1 more");
    expect(event.message).toContain("no ownership proof (written before proofs existed): a/old");
    expect(event.message).not.toContain("a/s");
    expect(event.message).not.toContain("c2VjcmV0");
  });
});
