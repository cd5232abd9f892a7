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

/** `p`, or the signal's reason as soon as it aborts (p goes on: a connection being opened serves the next one). */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const leave = () => reject(signal.reason);
    signal.addEventListener("abort", leave, { once: true });
    void p.then(resolve, reject).finally(() => signal.removeEventListener("abort", leave));
  });
}
