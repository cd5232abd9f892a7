// A namespace that was just created is not reconciled at once. The apiserver's NamespaceLifecycle admission
// checks every create against the apiserver's own namespace cache; when a create arrives before that cache has
// the namespace, it sleeps 50 ms and looks again (k8s.io/apiserver, plugin/namespace/lifecycle,
// missingNamespaceWait). Cheiron's watch can deliver the namespace before that cache has it, so an immediate
// Secret create paid those 50 ms in a few percent of new namespaces; a short delay after the namespace's
// ADDED event avoids it (bench/ns-race.ts measures both).
export class NewNamespaceGate {
  private readonly until = new Map<string, number>();

  constructor(private readonly delayMs: number) {}

  /** The namespace's ADDED event arrived at `now` (ms). */
  mark(name: string, now: number): void {
    if (this.delayMs > 0) this.until.set(name, now + this.delayMs);
  }

  /** How long the namespace must still wait at `now` (0: go); a passed gate is forgotten. */
  remaining(name: string, now: number): number {
    const until = this.until.get(name);
    if (until === undefined) return 0;
    if (until <= now) {
      this.until.delete(name);
      return 0;
    }
    return until - now;
  }

  get size(): number {
    return this.until.size;
  }
}
