// What one reconcile reads: every manager, every namespace, every Secret Cheiron manages (three list calls),
// plus the source Secrets of the manager at hand. Everything else is computed from this.
import type { Manager, ObjectMeta, SourceSecret, ExistingSecret } from "../domain/model";
import { buildManagerId } from "../domain/ids";
import { buildConfirmedAttachNames } from "../domain/desired";
import { isPlaceholderName } from "../domain/names";
import { KIND_NAMESPACED, LABEL_MANAGER } from "../constants";
import { listManagers, listNamespaces } from "../k8s/managers";
import { getSourceSecret, listManagedSecrets } from "../k8s/secrets";

export interface Snapshot {
  managers: Manager[];
  namespaces: ObjectMeta[];
  managedSecrets: ExistingSecret[];
}

export async function readSnapshot(): Promise<Snapshot> {
  const [managers, namespaces, managedSecrets] = await Promise.all([
    listManagers(),
    listNamespaces(),
    listManagedSecrets(),
  ]);
  return { managers, namespaces, managedSecrets };
}

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

export async function readSources(m: Manager): Promise<SourceSecret[]> {
  const found = await Promise.all(
    buildSourceRefs(m).map(r => getSourceSecret(r.namespace, r.name)),
  );
  return found.filter((s): s is SourceSecret => s !== undefined);
}

/**
 * The names another manager has ready to attach in a namespace: what its last status confirms (see
 * buildConfirmedAttachNames), limited to Secrets that exist labelled as its own, or that it uses as they are.
 */
export function buildAttachableOfOther(
  snapshot: Snapshot,
  other: Manager,
  namespace: string,
): string[] {
  const id = buildManagerId(other);
  const owned = new Set(
    snapshot.managedSecrets
      .filter(s => s.namespace === namespace && s.labels?.[LABEL_MANAGER] === id)
      .map(s => s.name),
  );
  const usedAsIs = new Set(
    buildSourceRefs(other)
      .filter(r => r.namespace === namespace)
      .map(r => r.name),
  );
  return buildConfirmedAttachNames(other, namespace).filter(n => owned.has(n) || usedAsIs.has(n));
}
