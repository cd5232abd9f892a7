// Stuck Pods (src/domain/stuck.ts), checked after a live manager's status is flushed (queue key pods/<manager>,
// after its namespaces are reconciled and its status written; a change queues one more flush). Pods are read per covered namespace, in pages (CHEIRON_POD_PAGE_SIZE), never
// cluster-wide, and only where a look is due (selectNamespacesToCheck):
//   - a name became attachable there since its last check: new credentials, so Pods created before them may be
//     stuck (after a restart every covered namespace is read once);
//   - the manager's spec changed (generation);
//   - the last check there found stuck Pods, at most once a minute: a timer queues the manager's flush for it, so
//     the count clears once they are gone.
// Nothing else reads Pods: a resync that attaches nothing new, for a manager with no stuck Pod, reads none.
// With spec.recreateStuckPods (and no dryRun), Pods a ReplicaSet, StatefulSet, DaemonSet or Job controls are
// deleted (uid precondition) so that they come back with the references, at most recreateStuckPodsPerMinute a
// minute per manager (an in-memory token bucket); a bare Pod never.
import { Log } from "pepr";
import type { ManagerStatus } from "../api/types";
import type { Manager } from "../domain/model";
import { buildSecretRegistries } from "../domain/desired";
import { buildManagerKey } from "../domain/ids";
import {
  buildExpectedNames,
  buildRecreateRate,
  buildStuckPod,
  buildStuckPodNames,
  NamespaceCheck,
  PodView,
  selectNamespacesToCheck,
  STUCK_RECHECK_MS,
  StuckPod,
  TokenBucket,
} from "../domain/stuck";
import { buildStuckEvent, buildStuckSignature } from "../domain/stuck-event";
import { apiClient } from "../k8s/client";
import { describeError, isConflict, isNotFound } from "../k8s/errors";
import { paths } from "../k8s/paths";
import { emitEvent } from "../k8s/report";
import { settings } from "../settings";
import { runBounded } from "./bounded";
import type { WatcherCache } from "./cache";
import type { ManagerState } from "./report";

/** Terminated Pods cannot be stuck: the apiserver leaves them out. */
const POD_FIELD_SELECTOR = "status.phase!=Succeeded,status.phase!=Failed";

interface Memory {
  generation?: number;
  checks: Map<string, NamespaceCheck>;
  stuck: Map<string, StuckPod[]>;
  bucket?: TokenBucket;
  /** buildStuckSignature of the stuck Pods last reported in an Event. */
  reported: string;
  timer?: NodeJS.Timeout;
}

/** Per manager, with its ManagerState (dropped with it when the manager is deleted). */
const memories = new WeakMap<ManagerState, Memory>();
let requeueFlush: ((managerKey: string) => void) | undefined;

/** The controller's hook: queue a manager's Pod check (for the once-a-minute re-check of stuck Pods). */
export function onStuckPodsRecheck(requeue: (managerKey: string) => void): void {
  requeueFlush = requeue;
}

const slim = (p: PodView): PodView => ({
  metadata: {
    name: p.metadata?.name,
    namespace: p.metadata?.namespace,
    uid: p.metadata?.uid,
    labels: p.metadata?.labels,
    annotations: p.metadata?.annotations,
    deletionTimestamp: p.metadata?.deletionTimestamp,
    ownerReferences: p.metadata?.ownerReferences,
  },
  spec: {
    serviceAccountName: p.spec?.serviceAccountName,
    imagePullSecrets: p.spec?.imagePullSecrets,
    containers: (p.spec?.containers ?? []).map(c => ({ image: c.image })),
    initContainers: (p.spec?.initContainers ?? []).map(c => ({ image: c.image })),
  },
  status: {
    containerStatuses: p.status?.containerStatuses,
    initContainerStatuses: p.status?.initContainerStatuses,
  },
});

async function readPods(ns: string): Promise<PodView[]> {
  const out: PodView[] = [];
  const query = { fieldSelector: POD_FIELD_SELECTOR };
  for await (const page of apiClient().pages<PodView>(
    paths.pods(ns),
    query,
    settings().podPageSize,
  ))
    for (const p of page.items ?? []) out.push(slim(p));
  return out;
}

/** Deletes one Pod, this very one (uid precondition). False when it is gone or replaced already, or failed. */
async function deletePod(m: Manager, p: StuckPod): Promise<boolean> {
  try {
    await apiClient().delete(`${paths.pods(p.namespace)}/${encodeURIComponent(p.name)}`, {
      uid: p.uid,
    });
    return true;
  } catch (e) {
    if (!isNotFound(e) && !isConflict(e))
      Log.warn(
        { manager: buildManagerKey(m), pod: `${p.namespace}/${p.name}`, error: describeError(e) },
        "Cheiron could not delete a stuck Pod",
      );
    return false;
  }
}

const memoryOf = (s: ManagerState): Memory => {
  if (!memories.has(s)) memories.set(s, { checks: new Map(), stuck: new Map(), reported: "" });
  return memories.get(s)!;
};

/** The status fields from the last look (none when no Pod is stuck): no reads, so a flush never waits on Pods. */
export function knownStuckPods(
  s: ManagerState,
): Pick<ManagerStatus, "stuckPods" | "stuckPodNames"> {
  const all = [...memoryOf(s).stuck.values()].flat();
  return all.length ? { stuckPods: all.length, stuckPodNames: buildStuckPodNames(all) } : {};
}

/**
 * Checks the manager's namespaces for stuck Pods where due, deletes the recreatable ones when asked and writes an
 * Event when something changed. Runs after the manager's status flush (its own queue key), so the Pod reads a
 * fan-out causes never delay the status; returns true when the status fields changed (flush again).
 */
export async function refreshStuckPods(
  cache: WatcherCache,
  m: Manager,
  s: ManagerState,
  attachable: Record<string, string[]>,
): Promise<boolean> {
  const mem = memoryOf(s);
  const before = JSON.stringify(knownStuckPods(s));
  for (const ns of [...mem.checks.keys()])
    if (!(ns in attachable)) [mem.checks, mem.stuck].forEach(map => map.delete(ns));
  const now = Date.now();
  const due = selectNamespacesToCheck(attachable, mem.checks, mem.generation !== m.generation, now);
  mem.generation = m.generation;
  const known = Object.fromEntries((m.status?.registries ?? []).map(r => [r.secret, r.registries]));
  const read = async (ns: string) => {
    const nsMeta = cache.namespaces.get(undefined, ns);
    if (!nsMeta) return;
    try {
      const pods = await readPods(ns);
      const registries = buildSecretRegistries(m, ns, known);
      const stuck = pods.flatMap(p => {
        const sa = cache.serviceAccounts.get(ns, p.spec?.serviceAccountName || "default");
        const expected = buildExpectedNames(m, nsMeta, p, sa, attachable[ns], registries);
        return buildStuckPod(p, expected) ?? [];
      });
      mem.stuck.set(ns, stuck);
      mem.checks.set(ns, { names: attachable[ns], stuck: stuck.length, at: now });
    } catch (e) {
      Log.warn(
        { manager: buildManagerKey(m), namespace: ns, error: describeError(e) },
        "Cheiron could not read Pods to look for stuck ones",
      );
    }
  };
  await runBounded(
    due.map(ns => () => read(ns)),
    4,
  );

  const deleted: StuckPod[] = [];
  const recreate = m.spec.recreateStuckPods === true && !m.spec.dryRun;
  if (recreate) {
    const rate = buildRecreateRate(m.spec.recreateStuckPodsPerMinute);
    mem.bucket ??= new TokenBucket(rate, now);
    const fresh = due.flatMap(ns => mem.stuck.get(ns) ?? []).filter(p => p.recreatable);
    for (const p of fresh) {
      if (!mem.bucket.take(Date.now(), rate)) break;
      if (await deletePod(m, p)) deleted.push(p);
    }
  }

  const all = [...mem.stuck.values()].flat();
  const mode = m.spec.dryRun && m.spec.recreateStuckPods ? "dryRun" : recreate;
  const event = buildStuckEvent(all, deleted, mem.reported, mode);
  if (event) await emitEvent(m, event.type, event.reason, event.message);
  mem.reported = buildStuckSignature(all);
  scheduleRecheck(m, mem);
  return JSON.stringify(knownStuckPods(s)) !== before;
}

/** While stuck Pods are known, queue the manager's Pod check again once the re-check is due. */
function scheduleRecheck(m: Manager, mem: Memory) {
  clearTimeout(mem.timer);
  mem.timer = undefined;
  if (![...mem.checks.values()].some(c => c.stuck > 0)) return;
  const key = buildManagerKey(m);
  mem.timer = setTimeout(() => requeueFlush?.(key), STUCK_RECHECK_MS + 1000);
  mem.timer.unref?.();
}
