// Builders shared by the src/domain unit tests (not used at runtime).
import type { ClusterImagePullSecretManagerSpec, SecretEntry } from "../../../src/api/types";
import type { Manager, ObjectMeta, SourceSecret } from "../../../src/domain/model";

function manager(
  kind: Manager["kind"],
  name: string,
  namespace: string | undefined,
  spec: Partial<ClusterImagePullSecretManagerSpec>,
  extra: Partial<Manager>,
): Manager {
  return {
    kind,
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    uid: `uid-${namespace ?? ""}-${name}`,
    generation: 1,
    creationTimestamp: "2024-01-01T00:00:00Z",
    deleting: false,
    spec: { secrets: [], ...spec },
    ...extra,
  };
}

export const namespacedManager = (
  name: string,
  namespace: string,
  spec: Partial<ClusterImagePullSecretManagerSpec> = {},
  extra: Partial<Manager> = {},
): Manager => manager("ImagePullSecretManager", name, namespace, spec, extra);

export const clusterManager = (
  name: string,
  spec: Partial<ClusterImagePullSecretManagerSpec> = {},
  extra: Partial<Manager> = {},
): Manager => manager("ClusterImagePullSecretManager", name, undefined, spec, extra);

export function meta(
  name: string,
  labels?: Record<string, string>,
  annotations?: Record<string, string>,
  extra: Partial<ObjectMeta> = {},
): ObjectMeta {
  return { name, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}), ...extra };
}

export const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
export const unb64 = (s: string) => Buffer.from(s, "base64").toString("utf8");
export const JSON_TYPE = "kubernetes.io/dockerconfigjson";
export const CFG_TYPE = "kubernetes.io/dockercfg";

export const hubEntry: SecretEntry = {
  name: "hub",
  registry: "docker.io",
  username: "u",
  password: "s3cr3t",
};
export const ref = (name: string, namespace?: string, as?: string): SecretEntry => ({
  ...(as ? { name: as } : {}),
  existingSecretRef: { name, ...(namespace ? { namespace } : {}) },
});
export const source = (namespace: string, name: string, type = JSON_TYPE): SourceSecret => ({
  namespace,
  name,
  type,
  data:
    type === CFG_TYPE
      ? { ".dockercfg": b64(JSON.stringify({ "quay.io": { auth: "SECRETDATA" } })) }
      : {
          ".dockerconfigjson": b64(
            JSON.stringify({ auths: { "ghcr.io": { auth: "SECRETDATA" } } }),
          ),
        },
});
export const sources = [
  source("team-a", "shared"),
  source("infra", "pull"),
  source("infra", "legacy", CFG_TYPE),
  { namespace: "infra", name: "opaque", type: "Opaque", data: { x: b64("SECRETDATA") } },
  {
    namespace: "infra",
    name: "broken",
    type: JSON_TYPE,
    data: { ".dockerconfigjson": "bm9wZQ==" },
  },
];
