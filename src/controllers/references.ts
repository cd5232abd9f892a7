// The imagePullSecrets of every ServiceAccount in one namespace, brought to what all managers together want
// (so two managers never undo each other), from the cache, writing only ServiceAccounts that differ.
import type { Problem } from "../api/types";
import type { Manager, ObjectMeta, ReferenceMerge, ServiceAccountRef } from "../domain/model";
import { buildEntryNames } from "../domain/entries";
import { buildManagerKey } from "../domain/ids";
import { buildDesiredReferences, mergeImagePullSecrets } from "../domain/references";
import { ANNOTATION_RECONCILE_WITH } from "../constants";
import { retryOnConflict } from "../k8s/conflict";
import { describeError, isNamespaceGone } from "../k8s/errors";
import { getServiceAccount, patchServiceAccountReferences } from "../k8s/references";
import { slimServiceAccount } from "../k8s/slim";
import type { WatcherCache } from "./cache";
import { runBounded } from "./bounded";

export interface ReferenceOutcome {
  serviceAccounts: number;
  attached: number;
  detached: number;
  failures: Problem[];
  planLines: string[];
}

const names = (v?: string) =>
  (v ?? "")
    .split(",")
    .map(s => s.trim())
    .filter(Boolean);

/** The merge for one ServiceAccount; names of orphaning managers stop being recorded as Cheiron's. */
export function planServiceAccount(
  sa: ServiceAccountRef,
  ns: ObjectMeta,
  managers: Manager[],
  attachable: (m: Manager) => string[],
  released: Set<string>,
): ReferenceMerge {
  const original = sa.annotations ?? {};
  const recorded = names(original[ANNOTATION_RECONCILE_WITH]);
  const kept = recorded.filter(n => !released.has(n));
  const annotations = { ...original };
  if (kept.length) annotations[ANNOTATION_RECONCILE_WITH] = kept.join(",");
  else delete annotations[ANNOTATION_RECONCILE_WITH];
  const desired = buildDesiredReferences(sa, ns, managers, "ServiceAccount", m => attachable(m));
  const merge = mergeImagePullSecrets(sa.imagePullSecrets, annotations, desired);
  if (kept.length !== recorded.length && !(ANNOTATION_RECONCILE_WITH in merge.annotations)) {
    merge.annotations[ANNOTATION_RECONCILE_WITH] = kept.length ? kept.join(",") : undefined;
  }
  const annotationsChanged = Object.entries(merge.annotations).some(([k, v]) => original[k] !== v);
  return { ...merge, changed: merge.changed || annotationsChanged };
}

export async function reconcileNamespaceReferences(
  cache: WatcherCache,
  ns: ObjectMeta,
  attachable: Map<string, string[]>,
  orphaning: Manager[],
): Promise<{ byManager: Map<string, ReferenceOutcome> }> {
  const all = cache.managers();
  const writers = all.filter(m => !m.spec.dryRun);
  const dryRunners = all.filter(m => m.spec.dryRun && attachable.has(buildManagerKey(m)));
  const of = (m: Manager) => attachable.get(buildManagerKey(m)) ?? [];
  const released = new Set(orphaning.flatMap(buildEntryNames));
  const byManager = new Map<string, ReferenceOutcome>();
  const out = (key: string) => {
    if (!byManager.has(key))
      byManager.set(key, {
        serviceAccounts: 0,
        attached: 0,
        detached: 0,
        failures: [],
        planLines: [],
      });
    return byManager.get(key)!;
  };
  const involved = [...attachable.keys(), ...all.filter(m => m.deleting).map(buildManagerKey)];
  involved.forEach(out);
  const ownerOf = (name: string) =>
    all.filter(m => buildEntryNames(m).includes(name)).map(buildManagerKey);

  const jobs = cache.serviceAccounts.inNamespace(ns.name).map(sa => async () => {
    try {
      const apply = async (current: ServiceAccountRef) => {
        const merge = planServiceAccount(current, ns, writers, of, released);
        if (merge.changed)
          cache.serviceAccounts.upsert(await patchServiceAccountReferences(current, merge));
        return { merge, before: names(current.annotations?.[ANNOTATION_RECONCILE_WITH]) };
      };
      const reread = async () =>
        slimServiceAccount(await getServiceAccount(sa.namespace, sa.name))!;
      const { merge, before } = await retryOnConflict(sa, apply, reread);
      const after =
        ANNOTATION_RECONCILE_WITH in merge.annotations
          ? names(merge.annotations[ANNOTATION_RECONCILE_WITH])
          : before;
      const list = new Set(merge.imagePullSecrets.map(r => r.name));
      for (const m of writers) {
        const key = buildManagerKey(m);
        if (of(m).some(n => list.has(n)) && byManager.has(key)) out(key).serviceAccounts++;
      }
      for (const n of after.filter(x => !before.includes(x))) {
        const to = writers.find(m => of(m).includes(n));
        if (to) out(buildManagerKey(to)).attached++;
      }
      for (const n of before.filter(x => !after.includes(x))) {
        const to = ownerOf(n)[0] ?? involved[0]; // a name no manager lists any more: the one here
        if (to) out(to).detached++;
      }
      for (const m of dryRunners) {
        const would = planServiceAccount(sa, ns, [...writers, m], of, released);
        const gained = would.imagePullSecrets.map(r => r.name).filter(n => !list.has(n));
        if (gained.length)
          out(buildManagerKey(m)).planLines.push(
            `attach ${gained.join(",")} to ServiceAccount ${sa.namespace}/${sa.name}`,
          );
        if (would.imagePullSecrets.some(r => of(m).includes(r.name)))
          out(buildManagerKey(m)).serviceAccounts++;
      }
    } catch (e) {
      if (isNamespaceGone(e)) return;
      const failure: Problem = {
        namespace: sa.namespace,
        reason: "WriteFailed",
        message: `Could not update ServiceAccount ${sa.name}: ${describeError(e)}. It is retried with backoff.`,
      };
      involved.forEach(k => out(k).failures.push(failure));
    }
  });
  await runBounded(jobs, 4);
  return { byManager };
}
