// Writing imagePullSecrets and Cheiron's annotations onto ServiceAccounts.
import { K8s, kind } from "pepr";
import type { ReferenceMerge } from "../domain/model";

export type ServiceAccountObject = InstanceType<typeof kind.ServiceAccount>;
export type PatchOperation = Parameters<ReturnType<typeof K8s>["Patch"]>[0][number];

export async function listServiceAccounts(namespace?: string): Promise<ServiceAccountObject[]> {
  const list = namespace
    ? await K8s(kind.ServiceAccount).InNamespace(namespace).Get()
    : await K8s(kind.ServiceAccount).Get();
  return list.items;
}

/**
 * Applies a merge result with a JSON Patch carrying the object's resourceVersion, so a concurrent change
 * makes the write fail with 409 instead of being lost.
 */
export async function patchServiceAccountReferences(
  sa: ServiceAccountObject,
  merge: ReferenceMerge,
) {
  const md = sa.metadata ?? {};
  const ops: PatchOperation[] = [
    { op: "replace", path: "/metadata/resourceVersion", value: md.resourceVersion },
  ];
  if (merge.imagePullSecrets.length > 0) {
    ops.push({
      op: sa.imagePullSecrets ? "replace" : "add",
      path: "/imagePullSecrets",
      value: merge.imagePullSecrets,
    });
  } else if (sa.imagePullSecrets) {
    ops.push({ op: "remove", path: "/imagePullSecrets" });
  }
  const annotations = { ...(md.annotations ?? {}) };
  for (const [k, v] of Object.entries(merge.annotations)) {
    if (v === undefined) delete annotations[k];
    else annotations[k] = v;
  }
  ops.push({
    op: md.annotations ? "replace" : "add",
    path: "/metadata/annotations",
    value: annotations,
  });
  return K8s(kind.ServiceAccount, { name: md.name, namespace: md.namespace }).Patch(ops);
}
