// Builders shared by the src/domain unit tests (not used at runtime).
import type { ClusterImagePullSecretManagerSpec } from "../api/types";
import type { Manager, ObjectMeta } from "./model";

export function namespacedManager(
  name: string,
  namespace: string,
  spec: Partial<ClusterImagePullSecretManagerSpec> = {},
  extra: Partial<Manager> = {},
): Manager {
  return {
    kind: "ImagePullSecretManager",
    name,
    namespace,
    uid: `uid-${namespace}-${name}`,
    generation: 1,
    creationTimestamp: "2024-01-01T00:00:00Z",
    deleting: false,
    spec: { secrets: [], ...spec },
    ...extra,
  };
}

export function clusterManager(
  name: string,
  spec: Partial<ClusterImagePullSecretManagerSpec> = {},
  extra: Partial<Manager> = {},
): Manager {
  return {
    kind: "ClusterImagePullSecretManager",
    name,
    uid: `uid-${name}`,
    generation: 1,
    creationTimestamp: "2024-01-01T00:00:00Z",
    deleting: false,
    spec: { secrets: [], ...spec },
    ...extra,
  };
}

export function meta(
  name: string,
  labels?: Record<string, string>,
  annotations?: Record<string, string>,
  extra: Partial<ObjectMeta> = {},
): ObjectMeta {
  return { name, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}), ...extra };
}
