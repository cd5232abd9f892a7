// The watcher side. Watch-fed caches (cache.ts) feed one coalescing work queue with three kinds of key:
//   ns/<namespace>   reconcile one namespace for every manager (namespace.ts): what any event there queues;
//   mgr/<manager>    fan-out: queue every namespace the manager covers or holds anything in (from the caches);
//   flush/<manager>  write the manager's aggregated status and one Event once its namespaces are done;
//   pods/<manager>   then look for stuck Pods where due (stuck-pods.ts); a change queues the flush again.
// Failed keys are retried with backoff; a periodic resync re-runs every fan-out from the caches (no reads).
import { Log } from "pepr";
import type { ExistingSecret } from "../domain/model";
import { buildEntryNames } from "../domain/entries";
import { buildManagerKey } from "../domain/ids";
import { isDryRunning } from "../domain/references";
import { isManagerCoveringNamespace } from "../domain/selection";
import { FINALIZER, LABEL_MANAGED_BY, MANAGED_BY_VALUE } from "../constants";
import { apiClient } from "../k8s/client";
import { ensureCrdsAtStart } from "../k8s/crds";
import { ensureOwnWritesSkipAtStart } from "../k8s/own-writes";
import { describeError } from "../k8s/errors";
import { setFinalizer } from "../k8s/report";
import { metrics } from "../metrics";
import { settings } from "../settings";
import { WatcherCache } from "./cache";
import { reconcileNamespace } from "./namespace";
import { buildBackoffDelay, WorkQueue } from "./queue";
import { FlushScheduler } from "./flush";
import { NewNamespaceGate } from "./settle";
import {
  addCounts,
  buildAttachable,
  flushDeleting,
  flushLive,
  ManagerState,
  newManagerState,
} from "./report";
import { buildSourceRefs, findHoldings } from "./sources";
import { onStuckPodsRecheck, refreshStuckPods } from "./stuck-pods";
import { onCredentialChecks } from "./verify";

export class Controller {
  readonly states = new Map<string, ManagerState>();
  private synced = false;
  private readonly newNamespaces = new NewNamespaceGate(settings().newNamespaceDelayMs);
  private readonly flushes = new FlushScheduler(key => this.queue.enqueue(`flush/${key}`));
  readonly cache = new WatcherCache(apiClient(), {
    manager: (type, m, old) => {
      if (!this.synced) return;
      const key = buildManagerKey(m);
      if (type === "DELETED") {
        this.flushes.cancel(key);
        this.states.delete(key);
        return this.queue.forget(`mgr/${key}`);
      }
      const changed = !old || old.generation !== m.generation || old.deleting !== m.deleting;
      if (changed) this.queue.enqueue(`mgr/${key}`);
    },
    namespace: (t, ns) => {
      if (!this.synced) return;
      if (t === "ADDED") this.newNamespaces.mark(ns.name, performance.now());
      this.queue.enqueue(`ns/${ns.name}`);
    },
    // Cheiron's own writes too (write-through), unless the answer is exactly the planned change
    // (src/domain/write-through.ts): an answer carrying anything else runs the namespace once more.
    serviceAccount: (_t, sa, _o, planned) =>
      this.synced && !planned && this.queue.enqueue(`ns/${sa.namespace}`),
    secret: (_t, s, _o, planned) => this.synced && this.onSecret(s, planned),
  });
  readonly queue = new WorkQueue({
    concurrency: settings().workers,
    baseDelayMs: settings().retryBaseMs,
    maxDelayMs: settings().retryMaxMs,
    runDeadlineMs: settings().runDeadlineMs,
    process: key => this.process(key),
    onError: (key, error, attempt, delayMs) =>
      Log.warn(
        { key, attempt, retryInMs: delayMs, error: error ? describeError(error) : "write failed" },
        "Cheiron reconcile will be retried",
      ),
  });

  async start() {
    if (settings().manageCrds) await ensureCrdsAtStart();
    await ensureOwnWritesSkipAtStart();
    await this.cache.start();
    onStuckPodsRecheck(key => this.queue.enqueue(`pods/${key}`));
    onCredentialChecks(key => this.queue.enqueue(`flush/${key}`));
    this.cache.unknownOwners.onDue = ns => this.queue.enqueue(`ns/${ns}`);
    this.synced = true;
    this.resync();
    setInterval(() => this.resync(), settings().resyncSeconds * 1000).unref();
    Log.info({ resyncSeconds: settings().resyncSeconds }, "Cheiron controller started");
  }

  resync() {
    for (const m of this.cache.managers()) this.queue.enqueue(`mgr/${buildManagerKey(m)}`);
  }

  private state(key: string): ManagerState {
    if (!this.states.has(key)) this.states.set(key, newManagerState());
    return this.states.get(key)!;
  }

  private process(key: string): Promise<boolean> {
    const slash = key.indexOf("/");
    const [what, rest] = [key.slice(0, slash), key.slice(slash + 1)];
    if (what === "ns") {
      const wait = this.newNamespaces.remaining(rest, performance.now());
      if (wait <= 0) return this.runNamespace(rest);
      this.queue.enqueueAfter(key, Math.ceil(wait));
      return Promise.resolve(true);
    }
    if (what === "mgr") return this.runManager(rest);
    if (what === "pods") return this.runStuckPods(rest);
    return this.runFlush(rest);
  }

  /**
   * A managed Secret queues its namespace; a source queues its managers' fan-out; a wanted name its namespace.
   * Cheiron's own write answered exactly as planned queues only the fan-outs it is a source of.
   */
  private onSecret(s: ExistingSecret, planned: boolean) {
    if (!planned && s.labels?.[LABEL_MANAGED_BY] === MANAGED_BY_VALUE)
      this.queue.enqueue(`ns/${s.namespace}`);
    const ns = this.cache.namespaces.get(undefined, s.namespace);
    for (const m of this.cache.managers()) {
      if (buildSourceRefs(m).some(r => r.namespace === s.namespace && r.name === s.name)) {
        this.queue.enqueue(`mgr/${buildManagerKey(m)}`);
      } else if (
        !planned &&
        ns &&
        buildEntryNames(m).includes(s.name) &&
        isManagerCoveringNamespace(m, ns)
      ) {
        this.queue.enqueue(`ns/${s.namespace}`);
      }
    }
  }

  private async runNamespace(ns: string): Promise<boolean> {
    const started = performance.now();
    let ok = true;
    try {
      const outcomes = await reconcileNamespace(this.cache, ns);
      for (const m of this.cache.managers()) {
        const key = buildManagerKey(m);
        const o = outcomes.get(key);
        const s = this.state(key);
        const known = s.outcomes.delete(ns);
        if (o) {
          s.outcomes.set(ns, o);
          addCounts(s, o);
          if (o.failures.length) ok = false;
          const conflicts = o.problems.filter(p => p.reason.endsWith("Conflict")).length;
          metrics.countWrites(
            isDryRunning(m) ? { created: 0, updated: 0, deleted: 0 } : o,
            o,
            conflicts,
          );
        }
        const wasPending = s.pending.delete(ns);
        if (wasPending || o || known) this.scheduleFlush(key, wasPending);
      }
    } catch (e) {
      ok = false;
      Log.warn({ namespace: ns, error: describeError(e) }, "Cheiron namespace reconcile failed");
      for (const [key, s] of this.states) if (s.pending.delete(ns)) this.scheduleFlush(key, true);
    }
    metrics.reconciled(started, ok);
    return ok;
  }

  /** Fan-out: every namespace the manager covers, has outcomes in, or holds Secrets or references in. */
  private async runManager(key: string): Promise<boolean> {
    const m = this.cache.manager(key);
    if (!m) return true;
    if (m.deleting && !m.finalizers?.includes(FINALIZER)) return true;
    if (!m.deleting && !m.spec.dryRun) {
      const stored = await setFinalizer(m, true);
      if (stored) this.cache.managerInformer(m).upsert(stored);
    }
    const s = this.state(key);
    const namespaces = new Set([...s.outcomes.keys(), ...findHoldings(this.cache, m)]);
    if (!m.deleting) {
      for (const ns of this.cache.namespaces.values())
        if (isManagerCoveringNamespace(m, ns)) namespaces.add(ns.name);
    }
    s.pending = namespaces;
    if (namespaces.size === 0) this.scheduleFlush(key, true);
    for (const ns of namespaces) this.queue.enqueue(`ns/${ns}`, "background");
    return true;
  }

  /** After the fan-out's last namespace (`fanOutDone`): at once; otherwise once changes pause (flush.ts). */
  private scheduleFlush(key: string, fanOutDone = false) {
    if (this.state(key).pending.size > 0) return;
    if (fanOutDone) this.flushes.now(key);
    else this.flushes.later(key);
  }

  /** Stuck Pods where a look is due; flush again when what status reports changed. */
  private async runStuckPods(key: string): Promise<boolean> {
    const m = this.cache.manager(key);
    const s = this.states.get(key);
    if (!m || !s || m.deleting || s.pending.size > 0) return true;
    const { attachable } = buildAttachable(s);
    if (await refreshStuckPods(this.cache, m, s, attachable)) this.queue.enqueue(`flush/${key}`);
    return true;
  }

  private async runFlush(key: string): Promise<boolean> {
    const m = this.cache.manager(key);
    const s = this.states.get(key);
    if (!m || !s || s.pending.size > 0) return true;
    if (!m.deleting) {
      await flushLive(this.cache, m, s);
      this.queue.enqueue(`pods/${key}`);
      return true;
    }
    if (await flushDeleting(this.cache, m, s)) return true;
    // Something of it is still there: visit its namespaces again, with backoff.
    s.cleanupAttempts = (s.cleanupAttempts ?? 0) + 1;
    const { retryBaseMs, retryMaxMs } = settings();
    this.queue.enqueueAfter(
      `mgr/${key}`,
      buildBackoffDelay(s.cleanupAttempts, retryBaseMs, retryMaxMs),
    );
    return true;
  }
}

let controller: Controller | undefined;

/** True in the watcher Deployment and under `pepr dev`; false in admission pods and during `pepr build`. */
export function isWatcherProcess(): boolean {
  return process.env.PEPR_WATCH_MODE === "true" || process.env.PEPR_MODE === "dev";
}

export function startController(): void {
  if (controller || !isWatcherProcess()) return;
  setImmediate(() => {
    const c = (controller = new Controller());
    c.start().catch(e =>
      Log.error({ error: describeError(e) }, "Cheiron controller failed to start"),
    );
  });
}

/** Pepr's namespace watch (the binding that makes `pepr build` generate the watcher) queues the namespace too. */
export function onNamespaceEvent(ns: { metadata?: { name?: string } }): void {
  controller?.queue.enqueue(`ns/${ns.metadata?.name ?? ""}`);
}
