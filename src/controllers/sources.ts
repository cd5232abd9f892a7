// Which source Secrets a manager reads.
import type { ExistingSecret, Manager, ServiceAccountRef, SourceSecret } from "../domain/model";
import type { WatcherCache } from "./cache";
import { buildEntryNames, buildMissingExistingNames } from "../domain/entries";
import { parseAttachedBy, parseNames } from "../domain/references";
import { buildLegacyManagerId, buildManagerId } from "../domain/ids";
import { isPlaceholderName } from "../domain/names";
import {
  ANNOTATION_ATTACHED_BY,
  ANNOTATION_RECONCILE_WITH,
  KIND_NAMESPACED,
  LABEL_MANAGER,
} from "../constants";

/** The (namespace, name) of every source Secret a manager reads. */
export function buildSourceRefs(m: Manager): { namespace: string; name: string }[] {
  return (m.spec.secrets ?? [])
    .map(e => e.existingSecretRef)
    .filter((r): r is NonNullable<typeof r> => Boolean(r?.name) && !isPlaceholderName(r!.name))
    .map(r => ({
      namespace: (m.kind === KIND_NAMESPACED ? m.namespace : r.namespace) ?? "",
      name: r.name,
    }))
    .filter(r => r.namespace !== "");
}

/** A predicate: the Secret is labelled as this manager's (its id, or the hashed id of releases before 0.2). */
export function isOwnedBy(m: Manager): (s: ExistingSecret) => boolean {
  const id = buildManagerId(m);
  const legacy = buildLegacyManagerId(m);
  return s => {
    const label = s.labels?.[LABEL_MANAGER];
    return label !== undefined && (label === id || label === legacy);
  };
}

/** The names a ServiceAccount records as this manager's entries (attached-by; by name where none is recorded). */
function recordedFor(m: Manager): (sa: ServiceAccountRef) => string[] {
  const id = buildManagerId(m);
  const names = new Set(buildEntryNames(m));
  return sa => {
    const owners = parseAttachedBy(sa.annotations?.[ANNOTATION_ATTACHED_BY]);
    return parseNames(sa.annotations?.[ANNOTATION_RECONCILE_WITH]).filter(
      n => owners[n] === id || (owners[n] === undefined && names.has(n)),
    );
  };
}

/** A predicate: the ServiceAccount records an entry of this manager. */
export function isRecordingFor(m: Manager): (sa: ServiceAccountRef) => boolean {
  const recorded = recordedFor(m);
  return sa => recorded(sa).length > 0;
}

/**
 * Namespaced kind: its Secrets (used as they are) that are missing now (deleted to be created again by another
 * tool) but that a ServiceAccount of `serviceAccounts` still references for it stay attachable, like a cluster
 * manager's kept copies: not detached while the manager lists them. One never attached is not attached.
 */
export function findKeptReferences(
  m: Manager,
  sources: SourceSecret[],
  serviceAccounts: ServiceAccountRef[],
): string[] {
  const missing = buildMissingExistingNames(m, sources);
  if (missing.length === 0) return [];
  const recorded = recordedFor(m);
  const held = new Set(serviceAccounts.flatMap(recorded));
  return missing.filter(n => held.has(n));
}

/** Namespaces with a Secret labelled as the manager's, or (when deleting) a ServiceAccount recording its names. */
export function findHoldings(cache: WatcherCache, m: Manager): Set<string> {
  const owned = isOwnedBy(m);
  const out = new Set<string>();
  for (const s of cache.secrets.values()) if (owned(s)) out.add(s.namespace);
  if (m.deleting) {
    const records = isRecordingFor(m);
    for (const sa of cache.serviceAccounts.values()) if (records(sa)) out.add(sa.namespace);
  }
  return out;
}
