// The imagePullSecrets of every ServiceAccount in one namespace, brought to what all managers together want
// (so two managers never undo each other), from the cache, writing only ServiceAccounts that differ.
import type { Problem } from "../api/types";
import type { Manager, ObjectMeta, ReferenceMerge, ServiceAccountRef } from "../domain/model";
import { buildEntryNames } from "../domain/entries";
import { buildManagerId, buildManagerKey } from "../domain/ids";
import {
  buildDesiredReferences,
  buildReferenceOwners,
  isDryRunning,
  mergeImagePullSecrets,
  parseNames,
} from "../domain/references";
import { isServiceAccountAsPlanned } from "../domain/write-through";
import { ANNOTATION_RECONCILE_WITH, LABEL_MANAGED_BY, MANAGED_BY_VALUE } from "../constants";
import { retryOnConflict } from "../k8s/conflict";
import { ApiError } from "../k8s/api-error";
import { describeError, isNamespaceGone, isNotFound } from "../k8s/errors";
import { isNewerVersion } from "../k8s/informer";
import { patchServiceAccountReferences } from "../k8s/references";
import type { WatcherCache } from "./cache";
import { runBounded } from "./bounded";

export interface ReferenceOutcome {
  serviceAccounts: number;
  attached: number;
  detached: number;
  failures: Problem[];
  planLines: string[];
}

/**
 * The merge for one ServiceAccount: the union of what the managers want, each entry recorded with its manager.
 * An entry that is not `releasable` (a manager the cache has not seen yet, a manager in dry-run) is never removed;
 * entries of `orphaning` managers stay in the list but stop being recorded as Cheiron's.
 */
export function planServiceAccount(
  sa: ServiceAccountRef,
  ns: ObjectMeta,
  managers: Manager[],
  attachable: (m: Manager) => string[],
  releasable: (owner: string | undefined, name: string) => boolean,
  orphaning: Manager[],
): ReferenceMerge {
  const desired = buildDesiredReferences(sa, ns, managers, "ServiceAccount", m => attachable(m));
  const owners = buildReferenceOwners(managers, attachable);
  const orphanIds = new Set(orphaning.map(buildManagerId));
  const orphanNames = new Set(orphaning.flatMap(buildEntryNames));
  return mergeImagePullSecrets(sa.imagePullSecrets, sa.annotations, desired, {
    owners,
    authoritative: true,
    isReleasable: releasable,
    release: (n, owner) => (owner !== undefined ? orphanIds.has(owner) : orphanNames.has(n)),
  });
}

/**
 * Which recorded entries that no manager wants any more may be removed in namespace `ns`, by their recorded owner.
 * A manager in dry-run keeps what it wrote (frozen). An owner the cache does not have is kept while that may be
 * watch lag (settings().unknownOwnerGraceMs), then released where its Secret is absent or not Cheiron's.
 */
function releasableIn(cache: WatcherCache, ns: string, all: Manager[]) {
  const known = new Set(all.map(buildManagerId));
  const frozen = new Set(all.filter(isDryRunning).map(buildManagerId));
  const frozenNames = new Set(all.filter(isDryRunning).flatMap(buildEntryNames));
  cache.unknownOwners.forget(known);
  return (owner: string | undefined, name: string): boolean => {
    if (owner === undefined) return !frozenNames.has(name);
    if (known.has(owner)) return !frozen.has(owner);
    if (!cache.unknownOwners.isExpired(owner, ns)) return false;
    return cache.secrets.get(ns, name)?.labels?.[LABEL_MANAGED_BY] !== MANAGED_BY_VALUE;
  };
}

export async function reconcileNamespaceReferences(
  cache: WatcherCache,
  ns: ObjectMeta,
  attachable: Map<string, string[]>,
  orphaning: Manager[],
): Promise<{ byManager: Map<string, ReferenceOutcome>; undetached: Set<string> }> {
  const all = cache.managers();
  const writers = all.filter(m => !isDryRunning(m));
  const dryRunners = all.filter(m => isDryRunning(m) && attachable.has(buildManagerKey(m)));
  const of = (m: Manager) => attachable.get(buildManagerKey(m)) ?? [];
  const releasable = releasableIn(cache, ns.name, all);
  const byManager = new Map<string, ReferenceOutcome>();
  /** Names a failed write left on a ServiceAccount that was to lose them (their Secret must stay for now). */
  const undetached = new Set<string>();
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
      let tried = sa;
      const apply = async (current: ServiceAccountRef) => {
        tried = current;
        const merge = planServiceAccount(current, ns, writers, of, releasable, orphaning);
        if (merge.changed)
          await cache.serviceAccounts.write(
            current,
            patchServiceAccountReferences(current, merge),
            stored => isServiceAccountAsPlanned(stored, current, merge),
          );
        return { merge, before: parseNames(current.annotations?.[ANNOTATION_RECONCILE_WITH]) };
      };
      const reread = () => awaitNewerServiceAccount(cache, tried);
      const { merge, before } = await retryOnConflict(sa, apply, reread);
      const after =
        ANNOTATION_RECONCILE_WITH in merge.annotations
          ? parseNames(merge.annotations[ANNOTATION_RECONCILE_WITH])
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
        const would = planServiceAccount(sa, ns, [...writers, m], of, releasable, orphaning);
        const gained = would.imagePullSecrets.map(r => r.name).filter(n => !list.has(n));
        if (gained.length)
          out(buildManagerKey(m)).planLines.push(
            `attach ${gained.join(",")} to ServiceAccount ${sa.namespace}/${sa.name}`,
          );
        if (would.imagePullSecrets.some(r => of(m).includes(r.name)))
          out(buildManagerKey(m)).serviceAccounts++;
      }
    } catch (e) {
      if (isNamespaceGone(e) || isNotFound(e)) return; // gone: nothing to attach to
      const now = cache.serviceAccounts.get(sa.namespace, sa.name) ?? sa;
      const merge = planServiceAccount(now, ns, writers, of, releasable, orphaning);
      const kept = new Set(merge.imagePullSecrets.map(r => r.name));
      for (const r of now.imagePullSecrets ?? []) if (!kept.has(r.name)) undetached.add(r.name);
      const failure: Problem = {
        namespace: sa.namespace,
        reason: "WriteFailed",
        message: `Could not update ServiceAccount ${sa.name}: ${describeError(e)}. It is retried with backoff.`,
      };
      involved.forEach(k => out(k).failures.push(failure));
    }
  });
  await runBounded(jobs, 4);
  return { byManager, undetached };
}

/** How long a 409 waits for the watch to bring the newer ServiceAccount before the namespace is retried. */
const CONFLICT_WAIT_MS = 5000;

/**
 * After a 409: the ServiceAccount as the watch brings it, newer than the version the patch was computed from
 * (no GET: the watch delivers the other writer's change anyway). Throws NotFound when it is gone, and the
 * conflict again when nothing newer arrived in time (the namespace is then retried with backoff).
 */
async function awaitNewerServiceAccount(
  cache: WatcherCache,
  tried: ServiceAccountRef,
): Promise<ServiceAccountRef> {
  const newer = await cache.serviceAccounts.waitFor(
    tried.namespace,
    tried.name,
    o => !o || isNewerVersion(o.resourceVersion, tried.resourceVersion),
    CONFLICT_WAIT_MS,
  );
  const where = `${tried.namespace}/${tried.name}`;
  if (!newer)
    throw new ApiError(`ServiceAccount ${where} changed; no newer version seen`, 409, "Conflict");
  if (!newer.obj) throw new ApiError(`ServiceAccount ${where} is gone`, 404, "NotFound");
  return newer.obj;
}
