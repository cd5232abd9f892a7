// Reads from a watch instead of a GET: a promise that resolves once a condition holds for what the cache keeps
// (checked now and after every change it takes), or with undefined after a deadline.
export class Waiters {
  private readonly checks = new Set<() => void>();

  /** Resolves with { obj } once holds(read()) is true, or with undefined after timeoutMs. */
  waitFor<T>(
    read: () => T | undefined,
    holds: (obj: T | undefined) => boolean,
    timeoutMs: number,
  ): Promise<{ obj: T | undefined } | undefined> {
    const now = read();
    if (holds(now)) return Promise.resolve({ obj: now });
    return new Promise(resolve => {
      const done = (found: { obj: T | undefined } | undefined) => {
        clearTimeout(timer);
        this.checks.delete(check);
        resolve(found);
      };
      const check = () => {
        const obj = read();
        if (holds(obj)) done({ obj });
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      timer.unref?.();
      this.checks.add(check);
    });
  }

  /** After every change the cache takes. */
  changed(): void {
    for (const check of [...this.checks]) check();
  }
}
