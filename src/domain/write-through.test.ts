import type { ReferenceMerge, ServiceAccountRef } from "./model";
import {
  buildCreateMetadata,
  buildPatchedAnnotations,
  isCreatedSecretAsPlanned,
  isServiceAccountAsPlanned,
} from "./write-through";

const A = "cheiron.anny.co/attached-by";
const before: ServiceAccountRef = {
  name: "default",
  namespace: "team-a",
  uid: "u1",
  hasAnnotations: true,
  resourceVersion: "10",
  labels: { app: "x" },
  annotations: { [A]: "old" },
  imagePullSecrets: [{ name: "mine" }],
};
const merge: ReferenceMerge = {
  imagePullSecrets: [{ name: "mine" }, { name: "ghcr" }],
  annotations: { [A]: "new" },
  changed: true,
};
const planned: ServiceAccountRef = {
  ...before,
  resourceVersion: "11",
  annotations: { [A]: "new" },
  imagePullSecrets: [{ name: "mine" }, { name: "ghcr" }],
};

describe("buildPatchedAnnotations", () => {
  it.each([
    [undefined, { [A]: "v" }, { [A]: "v" }],
    [{ [A]: "v" }, { [A]: undefined }, {}],
    [{ [A]: "v", "cheiron.anny.co/x": "1" }, { [A]: "w" }, { [A]: "w", "cheiron.anny.co/x": "1" }],
    [{ [A]: "v" }, {}, { [A]: "v" }],
  ])("%j with %j gives %j", (b, changes, want) => {
    expect(buildPatchedAnnotations(b, changes)).toEqual(want);
  });
});

describe("isServiceAccountAsPlanned", () => {
  it.each<[string, ServiceAccountRef | undefined, boolean]>([
    ["exactly the planned change", planned, true],
    ["nothing returned", undefined, false],
    ["another object (re-created: other uid)", { ...planned, uid: "u2" }, false],
    [
      "a reference Cheiron did not plan (another webhook)",
      { ...planned, imagePullSecrets: [...planned.imagePullSecrets!, { name: "other" }] },
      false,
    ],
    [
      "references in another order",
      { ...planned, imagePullSecrets: [{ name: "ghcr" }, { name: "mine" }] },
      false,
    ],
    ["a user's reference dropped", { ...planned, imagePullSecrets: [{ name: "ghcr" }] }, false],
    [
      "an annotation of Cheiron changed by someone else",
      { ...planned, annotations: { [A]: "forged" } },
      false,
    ],
    ["a label changed (namespaceSelector-like input)", { ...planned, labels: { app: "y" } }, false],
  ])("%s: %p", (_what, stored, want) => {
    expect(isServiceAccountAsPlanned(stored, before, merge)).toBe(want);
  });
});

describe("isCreatedSecretAsPlanned", () => {
  const d = {
    namespace: "team-a",
    name: "ghcr",
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": "e30=" },
    hash: "h1",
    managerId: "m1",
    owner: "ClusterImagePullSecretManager//all",
    registries: ["ghcr.io"],
    ownerProof: "p1",
  };
  const { labels, annotations } = buildCreateMetadata(d);
  const stored = {
    namespace: "team-a",
    name: "ghcr",
    type: d.type,
    dataHash: "h1",
    labels,
    annotations,
    resourceVersion: "3",
  };
  it.each<[string, Parameters<typeof isCreatedSecretAsPlanned>[0], boolean]>([
    ["exactly what was sent", stored, true],
    ["nothing returned", undefined, false],
    ["another content (a webhook changed data)", { ...stored, dataHash: "h2" }, false],
    ["another type", { ...stored, type: "Opaque" }, false],
    ["a label added by someone else", { ...stored, labels: { ...labels, team: "a" } }, false],
    [
      "the owner proof missing",
      { ...stored, annotations: { [Object.keys(annotations)[0]]: d.owner } },
      false,
    ],
  ])("%s: %p", (_what, s, want) => {
    expect(isCreatedSecretAsPlanned(s, d)).toBe(want);
  });
});
