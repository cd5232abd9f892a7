// API objects of managers and namespaces into the pure model of src/domain.
import type { ClusterImagePullSecretManager, ImagePullSecretManager } from "../api/kinds";
import type { Manager, ManagerKind, ObjectMeta } from "../domain/model";
import { KIND_NAMESPACED } from "../constants";

type ManagerObject = ImagePullSecretManager | ClusterImagePullSecretManager;

export function toManager(obj: ManagerObject, kindName: ManagerKind): Manager {
  const md = obj.metadata ?? {};
  return {
    kind: kindName,
    name: md.name ?? "",
    namespace: kindName === KIND_NAMESPACED ? md.namespace : undefined,
    uid: md.uid ?? "",
    generation: md.generation ?? 0,
    creationTimestamp: String(md.creationTimestamp ?? ""),
    deleting: Boolean(md.deletionTimestamp),
    resourceVersion: md.resourceVersion,
    finalizers: md.finalizers,
    spec: obj.spec ?? { secrets: [] },
    status: obj.status,
  };
}

export function toObjectMeta(obj: {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: unknown;
  };
}): ObjectMeta {
  const md = obj.metadata ?? {};
  return {
    name: md.name ?? "",
    namespace: md.namespace,
    labels: md.labels,
    annotations: md.annotations,
    terminating: Boolean(md.deletionTimestamp),
  };
}
