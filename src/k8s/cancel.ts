// Cancellation of API requests.

/** `p`, or the signal's reason as soon as it aborts (p goes on: a connection being opened serves the next one). */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const leave = () => reject(signal.reason);
    signal.addEventListener("abort", leave, { once: true });
    void p.then(resolve, reject).finally(() => signal.removeEventListener("abort", leave));
  });
}
