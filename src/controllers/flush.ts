// When a manager's status and Event are written. A fan-out's last namespace done: at once (the fan-out is the
// batch, so Ready follows its last write without a pause). A namespace changing on its own, outside a fan-out:
// once changes pause for FLUSH_DELAY_MS, so a burst of them (namespaces created by a script, a rollout's
// ServiceAccounts) is still one status write, not one per namespace.
export const FLUSH_DELAY_MS = 200;

export class FlushScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly enqueue: (managerKey: string) => void,
    private readonly delayMs = FLUSH_DELAY_MS,
  ) {}

  /** The manager's fan-out has just finished: flush now (a pending delayed flush is folded into it). */
  now(managerKey: string): void {
    this.cancel(managerKey);
    this.enqueue(managerKey);
  }

  /** One namespace of the manager changed: flush once no other change came for the delay. */
  later(managerKey: string): void {
    this.cancel(managerKey);
    const t = setTimeout(() => {
      this.timers.delete(managerKey);
      this.enqueue(managerKey);
    }, this.delayMs);
    t.unref?.();
    this.timers.set(managerKey, t);
  }

  /** The manager is gone: nothing to flush. */
  cancel(managerKey: string): void {
    clearTimeout(this.timers.get(managerKey));
    this.timers.delete(managerKey);
  }

  /** Delayed flushes waiting (for tests: it never grows past the number of managers). */
  get size(): number {
    return this.timers.size;
  }
}
