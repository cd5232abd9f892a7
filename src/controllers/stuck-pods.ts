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
// deleted (uid precondition) so that they come back with the references, but only when a new Pod from the same
// template gets the names the Pod lacks (planStuckPod: never when the template lists its own imagePullSecrets in
// mode ServiceAccount, the ServiceAccount lacks the name, Pepr's webhooks never see the namespace, or admission
// would not add it), at most recreateStuckPodsPerMinute a minute per manager (an in-memory token bucket), and one
// owner's Pods at most once per back-off (1 min, doubled each time, at most 1 h; in this process's memory, per
// owner uid, for every manager), paced per node to the kubelet's default image pull budget (stuck-deletes.ts). A
// bare Pod never.
import { Log } from "pepr";
import type { ManagerStatus } from "../api/types";
import type { Manager } from "../domain/model";
import { buildSecretRegistries } from "../domain/desired";
import { buildManagerKey } from "../domain/ids";
import {
  buildStuckPodNames,
  buildStuckPodReasons,
  NamespaceCheck,
  selectNamespacesToCheck,
  STUCK_RECHECK_MS,
  StuckPod,
} from "../domain/stuck";
import type { TokenBucket } from "../domain/stuck-pace";
import { planStuckPod } from "../domain/stuck-recreate";
import { buildStuckEvent, buildStuckSignature } from "../domain/stuck-event";
import { describeError } from "../k8s/errors";
import { emitEvent } from "../k8s/report";
import { runBounded } from "./bounded";
import type { WatcherCache } from "./cache";
import { readLivePods } from "./pods";
import type { ManagerState } from "./report";
import { recreateStuckPods } from "./stuck-deletes";

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

const memoryOf = (s: ManagerState): Memory => {
  if (!memories.has(s)) memories.set(s, { checks: new Map(), stuck: new Map(), reported: "" });
  return memories.get(s)!;
};

/** The status fields from the last look (none when no Pod is stuck): no reads, so a flush never waits on Pods. */
export function knownStuckPods(
  s: ManagerState,
): Pick<ManagerStatus, "stuckPods" | "stuckPodNames" | "stuckPodReasons"> {
  const all = [...memoryOf(s).stuck.values()].flat();
  if (all.length === 0) return {};
  const reasons = buildStuckPodReasons(all);
  return {
    stuckPods: all.length,
    stuckPodNames: buildStuckPodNames(all),
    ...(reasons.length ? { stuckPodReasons: reasons } : {}),
  };
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
      const pods = await readLivePods(ns);
      const registries = buildSecretRegistries(m, ns, known);
      const stuck = pods.flatMap(p => {
        const sa = cache.serviceAccounts.get(ns, p.spec?.serviceAccountName || "default");
        return planStuckPod(m, nsMeta, p, sa, attachable[ns], registries) ?? [];
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

  const recreate = m.spec.recreateStuckPods === true && !m.spec.dryRun;
  const stuckDue = due.flatMap(ns => mem.stuck.get(ns) ?? []);
  const deleted = recreate ? await recreateStuckPods(m, mem, stuckDue, now) : [];

  const all = [...mem.stuck.values()].flat();
  const mode = m.spec.dryRun && m.spec.recreateStuckPods ? "dryRun" : recreate;
  const event = buildStuckEvent(all, deleted, mem.reported, mode);
  if (event) await emitEvent(m, event.type, event.reason, event.message);
  mem.reported = buildStuckSignature(all);
  scheduleRecheck(m, mem);
  return JSON.stringify(knownStuckPods(s)) !== before;
}

/**
 * While stuck Pods are known, queue the manager's Pod check again once the re-check is due, or sooner when a
 * namespace waits for a token (retryAt).
 */
function scheduleRecheck(m: Manager, mem: Memory) {
  clearTimeout(mem.timer);
  mem.timer = undefined;
  const checks = [...mem.checks.values()];
  if (!checks.some(c => c.stuck > 0)) return;
  const now = Date.now();
  const retries = checks.flatMap(c => (c.retryAt !== undefined ? [c.retryAt - now] : []));
  const delay = Math.max(0, Math.min(STUCK_RECHECK_MS + 1000, ...retries));
  const key = buildManagerKey(m);
  mem.timer = setTimeout(() => requeueFlush?.(key), delay);
  mem.timer.unref?.();
}
