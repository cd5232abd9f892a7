// Issue 11 #7: a Secret labelled as Cheiron's is ours only with a valid owner proof (an HMAC under the
// watcher's key); before, labels alone made a tenant's Secret "owned", so Cheiron overwrote or deleted it.
import type { DesiredSecret, ExistingSecret } from "./model";
import { buildOwnerProof, checkOwnership } from "./ownership";
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
    ["the proof of another Secret (copied)", proof("a", "other"), "forged"],
    ["the proof of another namespace (copied)", proof("b", "s"), "forged"],
    ["a proof for another manager uid", proof("a", "s", KEY, "uid-2"), "forged"],
    ["a proof under another key (guessed)", proof("a", "s", OTHER_KEY), "forged"],
    ["garbage", "x", "forged"],
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
      "forged proof, wanted: left alone, reported",
      [want("a", "s")],
      [labelled("a", "s", { [P]: proof("a", "x") })],
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
