// Cancellation of API requests. The work queue runs each unit of work inside withSignal (controllers/queue.ts),
// and the API client gives every request it makes the current signal (client.ts): a run that passes its deadline
// is cancelled wherever it is, without threading a signal through every call site. AsyncLocalStorage carries it
// across awaits, timers and callbacks started inside the run, and nowhere else.
import { AsyncLocalStorage } from "node:async_hooks";

const current = new AsyncLocalStorage<AbortSignal | undefined>();

/** Runs `fn` with `signal` as the signal of every API request made inside it, however deep. */
export function withSignal<T>(signal: AbortSignal | undefined, fn: () => T): T {
  return current.run(signal, fn);
}

/** The signal of the unit of work this code runs in (undefined outside any). */
export function currentSignal(): AbortSignal | undefined {
  return current.getStore();
}

/** What a wait needs of an AbortSignal (a StopSignal is one too). */
export type Abortable = Pick<
  AbortSignal,
  "aborted" | "reason" | "addEventListener" | "removeEventListener"
>;

/**
 * A one-shot stop for one request, with AbortSignal's interface: what it does for the request without the cost of
 * an AbortController and EventTarget per request (the transport makes one for every write of a fan-out).
 */
export class StopSignal implements Abortable {
  aborted = false;
  reason: unknown;
  private listeners: (() => void)[] = [];

  addEventListener(_type: string, fn: unknown): void {
    if (!this.aborted) this.listeners.push(fn as () => void);
  }
  removeEventListener(_type: string, fn: unknown): void {
    const i = this.listeners.indexOf(fn as () => void);
    if (i >= 0) this.listeners.splice(i, 1);
  }
  /** Aborts once: the listeners run (each once), later calls do nothing. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    for (const fn of this.listeners.splice(0)) fn();
  }
}

/** `p`, or the signal's reason as soon as it aborts (p goes on: a connection being opened serves the next one). */
export function untilAborted<T>(p: Promise<T>, signal: Abortable): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const leave = () => reject(signal.reason);
    signal.addEventListener("abort", leave, { once: true });
    void p.then(resolve, reject).finally(() => signal.removeEventListener("abort", leave));
  });
}
