// Whether the object a write returned is exactly what Cheiron planned: the version it read with its own change
// applied, and nothing else that Cheiron looks at. Then the namespace need not run again on that answer (it
// would find nothing to do). Any difference (another mutating webhook, a field Cheiron did not write) makes it
// run again, so a change carried by the answer, which the watch then no longer announces, is never missed.
import {
  ANNOTATION_OWNER,
  ANNOTATION_OWNER_PROOF,
  LABEL_CONTENT_HASH,
  LABEL_MANAGED_BY,
  LABEL_MANAGER,
  MANAGED_BY_VALUE,
} from "../constants";
import type { DesiredSecret, ExistingSecret, ReferenceMerge, ServiceAccountRef } from "./model";

/** Same keys and values (a plain comparison: this runs after every write of a fan-out). */
function sameRecord(a: Record<string, string> = {}, b: Record<string, string> = {}): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every(k => Object.hasOwn(b, k) && a[k] === b[k])
  );
}

function sameNames(a: { name: string }[] = [], b: { name: string }[] = []): boolean {
  return a.length === b.length && a.every((r, i) => r.name === b[i].name);
}

/** The labels and annotations Cheiron puts on a Secret it writes (its create, and every update). */
export function buildCreateMetadata(d: DesiredSecret): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  return {
    labels: {
      [LABEL_MANAGED_BY]: MANAGED_BY_VALUE,
      [LABEL_MANAGER]: d.managerId,
      [LABEL_CONTENT_HASH]: d.hash,
    },
    annotations: {
      [ANNOTATION_OWNER]: d.owner,
      ...(d.ownerProof ? { [ANNOTATION_OWNER_PROOF]: d.ownerProof } : {}),
    },
  };
}

/** A create's answer that holds exactly the labels, annotations (Cheiron's), type and content it sent. */
export function isCreatedSecretAsPlanned(
  stored: ExistingSecret | undefined,
  d: DesiredSecret,
): boolean {
  if (!stored) return false;
  const want = buildCreateMetadata(d);
  return (
    stored.type === d.type &&
    stored.dataHash === d.hash &&
    sameRecord(stored.labels, want.labels) &&
    sameRecord(stored.annotations, want.annotations)
  );
}

/** Annotations after applying a merge's `changes` (undefined: removed) to `before` (also admission's patch). */
export function buildPatchedAnnotations(
  before: Record<string, string> | undefined,
  changes: Record<string, string | undefined>,
): Record<string, string> {
  const out: Record<string, string> = { ...(before ?? {}) };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

export function isServiceAccountAsPlanned(
  stored: ServiceAccountRef | undefined,
  before: ServiceAccountRef,
  merge: ReferenceMerge,
): boolean {
  if (!stored || stored.uid !== before.uid) return false;
  return (
    sameNames(stored.imagePullSecrets, merge.imagePullSecrets) &&
    sameRecord(
      stored.annotations,
      buildPatchedAnnotations(before.annotations, merge.annotations),
    ) &&
    sameRecord(stored.labels, before.labels)
  );
}
