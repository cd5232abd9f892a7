// Which of two copies of one object is the later one, and what was deleted recently.
//
// Kubernetes documents resourceVersion as opaque. The kube-apiserver's resourceVersions are etcd revisions: one
// counter for the whole cluster that grows with every write, so of two copies of the same object the one with
// the larger revision was written later (client-go's watch cache relies on the same). Cheiron compares them only
// to pick the newer of two copies of one object (the cache, a write's answer, a watch event, a list), never to
// order different objects. The uid tells two incarnations apart (deleted and created again under the same name).
// Values that are not decimal integers cannot be ordered: they only compare as equal or different.

export interface Version {
  uid?: string;
  resourceVersion?: string;
}

/** -1, 0 or 1 when both are etcd revisions (decimal integers); undefined when they cannot be ordered. */
export function compareVersions(a?: string, b?: string): number | undefined {
  if (a === undefined || b === undefined || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const [x, y] = [BigInt(a), BigInt(b)];
  return x > y ? 1 : x < y ? -1 : 0;
}

/** True when resourceVersion a is newer than b (both etcd revisions; opaque values compare as different). */
export function isNewerVersion(a?: string, b?: string): boolean {
  if (a === undefined || b === undefined) return a !== undefined;
  return compareVersions(a, b) === 1 || (compareVersions(a, b) === undefined && a !== b);
}

/** a is known to be a later copy than b: both revisions and a's is larger. */
export const isKnownNewer = (a?: string, b?: string) => compareVersions(a, b) === 1;

/**
 * Whether `copy` is outlived by `gone` (a delete): it is the deleted incarnation (same uid), or a version at or
 * before the delete. A copy of another uid with a later version is a new incarnation and survives.
 */
export function isBuriedBy(copy: Version, gone: Version): boolean {
  if (copy.uid && gone.uid && copy.uid === gone.uid) return true;
  const order = compareVersions(copy.resourceVersion, gone.resourceVersion);
  return order !== undefined && order <= 0;
}

/** How long and how many recent deletes an informer remembers (a write's answer arrives within seconds). */
export const TOMBSTONE_TTL_MS = 10 * 60_000;
export const TOMBSTONE_MAX = 10_000;

/** Recent deletes by key, oldest first; each kept for ttlMs, at most `max` of them. */
export class Tombstones {
  private readonly byKey = new Map<string, Version & { at: number }>();

  constructor(
    private readonly ttlMs = TOMBSTONE_TTL_MS,
    private readonly max = TOMBSTONE_MAX,
  ) {}

  add(key: string, gone: Version): void {
    this.byKey.delete(key);
    this.byKey.set(key, { uid: gone.uid, resourceVersion: gone.resourceVersion, at: Date.now() });
    this.prune();
  }

  /** The copy is of something deleted recently (see isBuriedBy). */
  buries(key: string, copy: Version): boolean {
    this.prune();
    const gone = this.byKey.get(key);
    return gone !== undefined && isBuriedBy(copy, gone);
  }

  get size(): number {
    return this.byKey.size;
  }

  private prune() {
    const now = Date.now();
    for (const [key, t] of this.byKey) {
      if (this.byKey.size <= this.max && now - t.at < this.ttlMs) break;
      this.byKey.delete(key);
    }
  }
}
