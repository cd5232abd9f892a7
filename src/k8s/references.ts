// Writing imagePullSecrets and Cheiron's annotations onto ServiceAccounts.
import type { ReferenceMerge, ServiceAccountRef } from "../domain/model";
import { settings } from "../settings";
import { apiClient } from "./client";
import { Limiter } from "./limiter";
import { paths } from "./paths";
import { annotationOps, PatchOp } from "./patches";

let admitted: Limiter | undefined;
/** The bound on ServiceAccount writes in flight (each calls the admission webhooks): settings().admittedWrites. */
const admittedWrites = () => (admitted ??= new Limiter(settings().admittedWrites));

/**
 * Applies a merge result with a JSON Patch carrying the object's resourceVersion, so a concurrent change
 * makes the write fail with 409 instead of being lost. Resolves with the stored ServiceAccount.
 */
export async function patchServiceAccountReferences(
  sa: ServiceAccountRef,
  merge: ReferenceMerge,
): Promise<unknown> {
  const ops: PatchOp[] = [
    { op: "replace", path: "/metadata/resourceVersion", value: sa.resourceVersion },
  ];
  if (merge.imagePullSecrets.length > 0) {
    ops.push({ op: "add", path: "/imagePullSecrets", value: merge.imagePullSecrets });
  } else if (sa.imagePullSecrets) {
    ops.push({ op: "remove", path: "/imagePullSecrets" });
  }
  ops.push(...annotationOps(sa, merge.annotations));
  return admittedWrites().run(() =>
    apiClient().patch(paths.serviceAccount(sa.namespace, sa.name), ops),
  );
}
