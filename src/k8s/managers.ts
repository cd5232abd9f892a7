// Reading managers and namespaces into the pure model of src/domain.
import { K8s, kind } from "pepr";
import { ClusterImagePullSecretManager, ImagePullSecretManager } from "../api/kinds";
import type { Manager, ManagerKind, ObjectMeta } from "../domain/model";
import { KIND_CLUSTER, KIND_NAMESPACED } from "../constants";

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

export async function listManagers(): Promise<Manager[]> {
  const [namespaced, cluster] = await Promise.all([
    K8s(ImagePullSecretManager).Get(),
    K8s(ClusterImagePullSecretManager).Get(),
  ]);
  return [
    ...namespaced.items.map(o => toManager(o, KIND_NAMESPACED)),
    ...cluster.items.map(o => toManager(o, KIND_CLUSTER)),
  ];
}

export async function listNamespaces(): Promise<ObjectMeta[]> {
  const list = await K8s(kind.Namespace).Get();
  return list.items.map(toObjectMeta);
}

/** The API object of a manager, for Events and status writes. */
export function managerObject(m: Manager): ManagerObject {
  const Model = m.kind === KIND_NAMESPACED ? ImagePullSecretManager : ClusterImagePullSecretManager;
  const obj = new Model();
  obj.apiVersion = "cheiron.anny.co/v1alpha1";
  obj.kind = m.kind;
  obj.metadata = { name: m.name, namespace: m.namespace, uid: m.uid };
  return obj;
}

export function managerModel(m: { kind: ManagerKind }) {
  return m.kind === KIND_NAMESPACED ? ImagePullSecretManager : ClusterImagePullSecretManager;
}
