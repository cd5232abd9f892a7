import type { DesiredSecret, ExistingSecret } from "./model";
import { planSecrets } from "./plan";

const ID = "cipsm.c";
const OWNER = "ClusterImagePullSecretManager/c";
const TYPE = "kubernetes.io/dockerconfigjson";
const DATA = { ".dockerconfigjson": "e30=" };

const want = (namespace: string, name: string, hash = "h1"): DesiredSecret => ({
  namespace,
  name,
  type: TYPE,
  data: DATA,
  hash,
  managerId: ID,
  owner: OWNER,
  registries: ["docker.io"],
});
const labels = (manager: string, hash = "h1") => ({
  "app.kubernetes.io/managed-by": "cheiron",
  "cheiron.anny.co/manager": manager,
  "cheiron.anny.co/content-hash": hash,
});
const has = (
  namespace: string,
  name: string,
  extra: Partial<ExistingSecret> = {},
): ExistingSecret => ({
  namespace,
  name,
  type: TYPE,
  data: DATA,
  ...extra,
});
const owned = (namespace: string, name: string, extra: Partial<ExistingSecret> = {}) =>
  has(namespace, name, {
    labels: labels(ID),
    annotations: { "cheiron.anny.co/owner": OWNER },
    ...extra,
  });
const optIn = { annotations: { "cheiron.anny.co/reconcilable": "true" } };

function summary(desired: DesiredSecret[], existing: ExistingSecret[]): string[] {
  const p = planSecrets(ID, desired, existing, { "ipsm.x.y": "ImagePullSecretManager/x/y" });
  return [
    ...p.create.map(d => `create ${d.namespace}/${d.name}`),
    ...p.update.map(
      u =>
        `${u.replace ? "replace" : u.adopt ? "adopt" : "update"} ${u.desired.namespace}/${u.desired.name}`,
    ),
    ...p.delete.map(e => `delete ${e.namespace}/${e.name}`),
    ...p.problems.map(x => `${x.reason} ${x.namespace}/${x.secret}`),
    ...Object.entries(p.attachable).map(([ns, names]) => `attach ${ns}: ${names.join(",")}`),
  ];
}

describe("planSecrets", () => {
  it.each<[string, DesiredSecret[], ExistingSecret[], string[]]>([
    ["nothing", [], [], []],
    [
      "create",
      [want("b", "x"), want("a", "x")],
      [],
      ["create a/x", "create b/x", "attach a: x", "attach b: x"],
    ],
    ["unchanged", [want("a", "x")], [owned("a", "x")], ["attach a: x"]],
    ["hash differs", [want("a", "x", "h2")], [owned("a", "x")], ["update a/x", "attach a: x"]],
    [
      "data differs",
      [want("a", "x")],
      [owned("a", "x", { data: { ".dockerconfigjson": "x" } })],
      ["update a/x", "attach a: x"],
    ],
    [
      "owner annotation missing",
      [want("a", "x")],
      [owned("a", "x", { annotations: {} })],
      ["update a/x", "attach a: x"],
    ],
    [
      "our type differs",
      [want("a", "x")],
      [owned("a", "x", { type: "kubernetes.io/dockercfg" })],
      ["replace a/x", "attach a: x"],
    ],
    ["adopt", [want("a", "x")], [has("a", "x", optIn)], ["adopt a/x", "attach a: x"]],
    [
      "adopt, type differs",
      [want("a", "x")],
      [has("a", "x", { ...optIn, type: "Opaque" })],
      ["SecretConflict a/x", "attach a: "],
    ],
    ["foreign", [want("a", "x")], [has("a", "x")], ["SecretConflict a/x", "attach a: "]],
    [
      "foreign with our manager label but not managed-by",
      [want("a", "x")],
      [has("a", "x", { labels: { "cheiron.anny.co/manager": ID } })],
      ["SecretConflict a/x", "attach a: "],
    ],
    [
      "another manager, even if opted in",
      [want("a", "x")],
      [has("a", "x", { labels: labels("ipsm.x.y"), ...optIn })],
      ["ManagerConflict a/x", "attach a: "],
    ],
    [
      "delete what is ours and not desired, never others",
      [want("a", "x")],
      [
        owned("a", "x"),
        owned("b", "old"),
        owned("a", "old"),
        has("a", "user"),
        has("c", "z", { labels: labels("m2") }),
      ],
      ["delete a/old", "delete b/old", "attach a: x"],
    ],
    [
      "mixed, attachable in desired order",
      [want("a", "z"), want("a", "y", "h2"), want("a", "w"), want("a", "v")],
      [owned("a", "y"), has("a", "w"), has("a", "v", optIn)],
      ["create a/z", "adopt a/v", "update a/y", "SecretConflict a/w", "attach a: z,y,v"],
    ],
    [
      "duplicate desired: first wins",
      [want("a", "x"), want("a", "x", "h2")],
      [owned("a", "x")],
      ["attach a: x"],
    ],
  ])("%s", (_, desired, existing, expected) =>
    expect(summary(desired, existing)).toEqual(expected),
  );

  it("names the other owner from its annotation, then from otherManagers", () => {
    const other = (annotations?: Record<string, string>) =>
      planSecrets(
        ID,
        [want("a", "x")],
        [has("a", "x", { labels: labels("ipsm.x.y"), annotations })],
        {
          "ipsm.x.y": "ImagePullSecretManager/x/y",
        },
      ).problems[0].message;
    expect(other({ "cheiron.anny.co/owner": "ImagePullSecretManager/x/real" })).toContain(
      "ImagePullSecretManager/x/real",
    );
    expect(other()).toContain("ImagePullSecretManager/x/y");
  });

  it("does not depend on the order of existing Secrets", () => {
    const existing = [owned("b", "old"), has("a", "w"), owned("a", "old"), has("a", "v", optIn)];
    const desired = [want("a", "w"), want("a", "v"), want("c", "n")];
    const one = planSecrets(ID, desired, existing);
    expect(planSecrets(ID, desired, [...existing].reverse())).toEqual(one);
    expect(one.update[0].existing).toBe(existing[3]);
  });
});
