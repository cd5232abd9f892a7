// Entries recorded (attached-by) for a manager the watcher's cache does not have. At first that may be watch lag
// (a manager created a moment ago, seen by admission first), so they are kept; once the owner has been unknown for
// the grace period (settings().unknownOwnerGraceMs) it is taken as gone, and the namespaces it was seen in are
// queued again so that its entries are released there (see reconcileNamespaceReferences).
export class UnknownOwners {
  private readonly seen = new Map<
    string,
    { since: number; namespaces: Set<string>; timer?: NodeJS.Timeout }
  >();
  /** Called for each namespace an owner was seen in, once its grace period is over. */
  onDue: (namespace: string) => void = () => undefined;

  constructor(private readonly graceMs: () => number) {}

  /** Whether `owner` has been unknown for the grace period; the first call starts its clock. */
  isExpired(owner: string, namespace: string, now = Date.now()): boolean {
    let entry = this.seen.get(owner);
    if (!entry) {
      entry = { since: now, namespaces: new Set() };
      const e = entry;
      e.timer = setTimeout(() => {
        e.timer = undefined;
        for (const ns of e.namespaces) this.onDue(ns);
      }, this.graceMs());
      e.timer.unref?.();
      this.seen.set(owner, entry);
    }
    entry.namespaces.add(namespace);
    return now - entry.since >= this.graceMs();
  }

  /** Owners the cache has (again): their clocks stop. */
  forget(known: Set<string>): void {
    for (const [owner, e] of this.seen) {
      if (!known.has(owner)) continue;
      clearTimeout(e.timer);
      this.seen.delete(owner);
    }
  }

  /** Owners whose clock runs (tests). */
  get size(): number {
    return this.seen.size;
  }
}
