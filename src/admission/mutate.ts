// Admission: ServiceAccounts (CREATE, UPDATE) and Pods (CREATE) get the references of every manager that
// covers them, merged into their own list. No API call here: everything comes from the admission view.
import type { a, PeprMutateRequest } from "pepr";
import type { ObjectMeta, ReferenceMerge } from "../domain/model";
import {
  buildAdmissionAttachNames as attachable,
  buildAdmissionRegistries as knownRegistries,
} from "../domain/admitted";
import { buildPodImageRegistries } from "../domain/registry";
import { isOptedOut } from "../domain/selection";
import { buildPatchedAnnotations } from "../domain/write-through";
import {
  buildAdditiveReferences,
  buildDesiredReferences,
  buildReferenceOwners,
  mergeImagePullSecrets,
  parseNames,
} from "../domain/references";
import { metrics } from "../metrics";
import { ANNOTATION_RECONCILE_WITH } from "../constants";
import { toObjectMeta } from "../k8s/managers";
import { admissionView } from "./view";

function applyMerge(
  target: {
    imagePullSecrets?: { name?: string }[];
    metadata?: { annotations?: Record<string, string> };
  },
  merge: ReferenceMerge,
) {
  if (merge.imagePullSecrets.length > 0) target.imagePullSecrets = merge.imagePullSecrets;
  else delete target.imagePullSecrets;
  target.metadata ??= {};
  target.metadata.annotations = buildPatchedAnnotations(
    target.metadata.annotations,
    merge.annotations,
  );
}

function namespaceOf(
  req: { Request: { namespace?: string } },
  obj: ObjectMeta,
): Promise<ObjectMeta> {
  return admissionView().namespaceFresh(obj.namespace ?? req.Request.namespace ?? "");
}

/** What admission changes on a ServiceAccount or Pod: nothing (undefined) or the merge to apply. */
async function planAdmission(
  req: { Request: { namespace?: string } },
  meta: ObjectMeta,
  current: { name?: string }[] | undefined,
  mode: "ServiceAccount" | "Pod",
  podRegistries?: string[],
  detached: Set<string> = new Set(),
): Promise<ReferenceMerge | undefined> {
  await admissionView().ensure();
  const ns = await namespaceOf(req, meta);
  if (isOptedOut(meta) || isOptedOut(ns)) return undefined; // exactly as sent; the controller detaches
  const managers = admissionView().managers();
  const desired = buildDesiredReferences(
    meta,
    ns,
    managers,
    mode,
    attachable,
    podRegistries,
    knownRegistries,
  );
  // A name this very update removes from Cheiron's bookkeeping is a detach by the controller (or a user who
  // removed both the entry and the record): never add it back, whatever this view believes.
  const wanted = desired.filter(n => !detached.has(n));
  const owners = buildReferenceOwners(managers, m => attachable(m, ns.name));
  const additive = buildAdditiveReferences(wanted, current, meta.annotations);
  const merge = mergeImagePullSecrets(current, meta.annotations, additive, { owners });
  return merge.changed ? merge : undefined;
}

export async function mutateServiceAccount(
  req: PeprMutateRequest<a.ServiceAccount>,
): Promise<void> {
  const sa = req.Raw;
  const recorded = (o?: { metadata?: { annotations?: Record<string, string> } }) =>
    parseNames(o?.metadata?.annotations?.[ANNOTATION_RECONCILE_WITH]);
  const now = new Set(recorded(sa));
  const detached = new Set(
    req.Request.operation === "UPDATE" ? recorded(req.OldResource).filter(n => !now.has(n)) : [],
  );
  const merge = await planAdmission(
    req,
    toObjectMeta(sa),
    sa.imagePullSecrets,
    "ServiceAccount",
    undefined,
    detached,
  );
  if (!merge) return;
  applyMerge(sa, merge);
  metrics.serviceAccountMutated();
}

export async function mutatePod(req: PeprMutateRequest<a.Pod>): Promise<void> {
  const pod = req.Raw;
  const meta = {
    ...toObjectMeta(pod),
    namespace: pod.metadata?.namespace ?? req.Request.namespace,
  };
  pod.spec ??= { containers: [] };
  const current = pod.spec.imagePullSecrets;
  const merge = await planAdmission(req, meta, current, "Pod", buildPodImageRegistries(pod));
  if (!merge) return;
  const target = { imagePullSecrets: current, metadata: pod.metadata };
  applyMerge(target, merge);
  if (target.imagePullSecrets)
    pod.spec.imagePullSecrets = target.imagePullSecrets as { name: string }[];
  else delete pod.spec.imagePullSecrets;
  pod.metadata = target.metadata;
  metrics.podMutated();
}
