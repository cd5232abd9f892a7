// A coalescing work queue: a key enqueued many times runs once; a key is never run twice at once (an enqueue
// while it runs schedules one more run); a failed run is retried with capped exponential backoff, and events
// do not cut that backoff short. A run that outlives its deadline counts as failed, is cancelled (its signal,
// which every API request made inside it carries, see src/k8s/cancel.ts, aborts) and frees its worker; its key
// runs again only once that run has really ended.
// Two lanes: what an event asks for runs before what a fan-out spread over its namespaces ("background"), so a
// namespace created during a 5,000-namespace fan-out or resync does not wait behind it (as controller-runtime's
// priority queue puts the items of a list and a resync last). A background key enqueued by an event moves up.
import { setMaxListeners } from "node:events";
import { withSignal } from "../k8s/cancel";

export interface QueueOptions {
  concurrency: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Returns normally on success; throws (or returns false) to be retried with backoff. Runs inside
   * withSignal(signal): `signal` aborts when the run passes its deadline.
   */
  process: (key: string, signal: AbortSignal) => Promise<boolean | void>;
  onError?: (key: string, error: unknown, attempt: number, delayMs: number) => void;
  /** A run still going after this long counts as failed, is cancelled and frees its worker (default: none). */
  runDeadlineMs?: number;
}

export function buildBackoffDelay(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}

export type Lane = "event" | "background";

export class WorkQueue {
  private readonly lanes: Record<Lane, string[]> = { event: [], background: [] };
  /** Queued keys and their lane; a lane's array may hold stale entries of keys that moved up or ran. */
  private readonly queued = new Map<string, Lane>();
  private readonly running = new Set<string>();
  /** Keys whose run passed its deadline and has not ended yet: they hold no worker, and do not run again. */
  private readonly late = new Set<string>();
  /** Keys enqueued while running, with the lane of their next run. */
  private readonly rerun = new Map<string, Lane>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: QueueOptions) {}

  enqueue(key: string, lane: Lane = "event"): void {
    if (this.running.has(key) || this.late.has(key)) {
      if (this.rerun.get(key) !== "event") this.rerun.set(key, lane);
      return;
    }
    const at = this.queued.get(key);
    if (at === "event" || at === lane) return;
    if (at === undefined) {
      if (this.timers.has(key) && this.failures.has(key)) return; // backing off: the timer runs it
      this.clearTimer(key);
    }
    this.queued.set(key, lane); // new, or a background key moving up (its old entry is skipped)
    this.lanes[lane].push(key);
    this.pump();
  }

  /** Enqueue after a delay (the earliest pending delay wins). */
  enqueueAfter(key: string, delayMs: number): void {
    if (this.timers.has(key) || this.queued.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.enqueue(key);
    }, delayMs);
    t.unref?.();
    this.timers.set(key, t);
  }

  /** Drops pending work and failure history of a key (its object is gone). */
  forget(key: string): void {
    this.clearTimer(key);
    this.failures.delete(key);
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  get size(): number {
    return this.queued.size + this.running.size + this.late.size;
  }

  /** Resolves when nothing is queued or running, late runs included (timers may still be pending). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise(r => this.idleWaiters.push(r));
  }

  private clearTimer(key: string) {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  /** The next key to run: the event lane first; entries of keys no longer queued in that lane are dropped. */
  private next(): string | undefined {
    for (const lane of ["event", "background"] as const) {
      const list = this.lanes[lane];
      while (list.length > 0) {
        const key = list.shift()!;
        if (this.queued.get(key) !== lane) continue;
        this.queued.delete(key);
        return key;
      }
    }
    return undefined;
  }

  private pump() {
    while (this.running.size < this.opts.concurrency) {
      const key = this.next();
      if (key === undefined) break;
      this.running.add(key);
      // Each run starts in its own turn of the event loop: runs that need no I/O (a resync of 5,000 namespaces
      // where nothing changed) would otherwise chain as microtasks and hold the loop for their whole length,
      // and a watch event (a new namespace) could not even be read before they all ended.
      setImmediate(() => void this.run(key));
    }
    if (this.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach(w => w());
    }
  }

  private async run(key: string) {
    const cancel = new AbortController();
    setMaxListeners(0, cancel.signal); // each request in flight listens to it: a fan-out has many at once
    const attempt = async () =>
      (await withSignal(cancel.signal, () => this.opts.process(key, cancel.signal))) !== false;
    const run = attempt().then(
      ok => ({ ok, error: undefined as unknown }),
      (error: unknown) => ({ ok: false, error }),
    );
    const limit = this.opts.runDeadlineMs;
    let deadline: NodeJS.Timeout | undefined;
    const expired = new Promise<undefined>(r => {
      if (limit) deadline = setTimeout(() => r(undefined), limit);
    });
    const outcome = await (limit ? Promise.race([run, expired]) : run);
    clearTimeout(deadline);
    this.running.delete(key);
    if (outcome) return this.ended(key, outcome);
    // Past its deadline: cancelled, counted as failed, its worker freed; its key waits until it has ended.
    const error = new Error(`run of ${key} exceeded ${limit} ms`);
    cancel.abort(error);
    this.late.add(key);
    this.ended(key, { ok: false, error });
    await run;
    this.late.delete(key);
    this.ended(key); // its outcome was counted at its deadline
  }

  /** Records the outcome of a run (if given), then queues what was asked for meanwhile and fills the workers. */
  private ended(key: string, outcome?: { ok: boolean; error: unknown }) {
    if (outcome?.ok) {
      this.failures.delete(key);
    } else if (outcome) {
      const attempt = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempt);
      const delay = buildBackoffDelay(attempt, this.opts.baseDelayMs, this.opts.maxDelayMs);
      this.opts.onError?.(key, outcome.error, attempt, delay);
      this.rerun.delete(key); // the retry recomputes everything: no early rerun
      this.enqueueAfter(key, delay);
    }
    const again = this.rerun.get(key);
    if (again && !this.late.has(key)) {
      this.rerun.delete(key);
      this.enqueue(key, again);
    }
    this.pump();
  }
}
