// A counting semaphore: at most `limit` holders at once, the rest wait in arrival order.
import type { Abortable } from "./cancel";

export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Holders now (at most `limit`) and callers waiting for a turn. */
  get usage(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /**
   * Runs `fn` once a turn is free and frees the turn when it settles. A caller whose `signal` aborts while it
   * waits leaves the line at once: `fn` never runs, and run rejects with the signal's reason.
   */
  async run<T>(fn: () => Promise<T>, signal?: Abortable): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: Abortable): Promise<void> | void {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    return new Promise<void>((resolve, reject) => {
      const turn = () => {
        signal?.removeEventListener("abort", leave);
        resolve();
      };
      const leave = () => {
        const i = this.waiting.indexOf(turn);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", leave, { once: true });
      this.waiting.push(turn); // release() hands its turn over
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
