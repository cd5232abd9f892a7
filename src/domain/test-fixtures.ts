// Builders shared by the src/domain unit tests (not used at runtime).
import type { ClusterImagePullSecretManagerSpec } from "../api/types";
import type { Manager, ObjectMeta } from "./model";

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
