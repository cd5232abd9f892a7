// Secrets labelled with a manager's legacy hashed id (before ids became `<prefix>_<40 hex>`): see isLegacyManagerId.
import type { DesiredSecret, ExistingSecret } from "./model";
import { planSecrets } from "./plan";

const ID = "cipsm_60f36bfa459310166416643a3604969494cbb692";
const LEGACY = "cipsm.h60f36bfa459310166416643a3604969494cbb692";
const OWNER = `ClusterImagePullSecretManager/${"b".repeat(60)}`;
const TYPE = "kubernetes.io/dockerconfigjson";
const DATA = { ".dockerconfigjson": "e30=" };

const want = (namespace: string, name: string): DesiredSecret => ({
  namespace,
  name,
  type: TYPE,
  data: DATA,
  hash: "h1",
  managerId: ID,
  owner: OWNER,
  registries: ["docker.io"],
});
const labelled = (namespace: string, name: string, manager: string): ExistingSecret => ({
  namespace,
  name,
  type: TYPE,
  data: DATA,
  labels: {
    "app.kubernetes.io/managed-by": "cheiron",
    "cheiron.anny.co/manager": manager,
    "cheiron.anny.co/content-hash": "h1",
  },
  annotations: { "cheiron.anny.co/owner": OWNER },
});

function summary(existing: ExistingSecret[], legacyId?: string): string[] {
  const p = planSecrets(ID, [want("a", "hub")], existing, {}, legacyId);
  return [
    ...p.create.map(d => `create ${d.namespace}/${d.name}`),
    ...p.update.map(
      u => `${u.adopt ? "adopt" : "update"} ${u.desired.namespace}/${u.desired.name}`,
    ),
    ...p.delete.map(e => `delete ${e.namespace}/${e.name}`),
    ...p.problems.map(x => `${x.reason} ${x.namespace}/${x.secret}`),
    ...Object.entries(p.attachable).map(([ns, names]) => `attach ${ns}: ${names.join(",")}`),
  ];
}

describe("planSecrets with a legacy manager id", () => {
  it.each<[string, ExistingSecret[], string | undefined, string[]]>([
    [
      "current id, up to date: nothing to do",
      [labelled("a", "hub", ID)],
      LEGACY,
      ["attach a: hub"],
    ],
    [
      "legacy id, wanted: relabelled by an update",
      [labelled("a", "hub", LEGACY)],
      LEGACY,
      ["update a/hub", "attach a: hub"],
    ],
    [
      "legacy id, no longer wanted: deleted",
      [labelled("a", "hub", ID), labelled("b", "old", LEGACY)],
      LEGACY,
      ["delete b/old", "attach a: hub"],
    ],
    [
      "legacy id not passed: a conflict, as before",
      [labelled("a", "hub", LEGACY), labelled("b", "old", LEGACY)],
      undefined,
      ["ManagerConflict a/hub", "attach a: "],
    ],
    [
      "another manager's id stays a conflict",
      [labelled("a", "hub", "cipsm.other")],
      LEGACY,
      ["ManagerConflict a/hub", "attach a: "],
    ],
  ])("%s", (_, existing, legacyId, expected) =>
    expect(summary(existing, legacyId)).toEqual(expected),
  );
});
