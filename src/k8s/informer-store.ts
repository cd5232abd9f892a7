// An informer's objects by namespace and name, and the rules that keep them the watch's truth although Cheiron's
// own writes go through to them (versions compared as versions.ts says):
// - a watched object replaces the entry only when it is newer (an own write's echo changes nothing);
// - a write's answer is refused when it is of a recent delete (tombstone: the deleted uid, or a version at or
//   before the delete), or when the entry is gone and the watch has already passed its version (the watch
//   delivered that version and then the delete);
// - a delete (watched, Cheiron's own, or a 404) evicts the entry unless the entry is a later incarnation;
// - a relist keeps entries written after the list's version and leaves out listed objects deleted since.
import { isBuriedBy, isKnownNewer, isNewerVersion, Tombstones, Version } from "./versions";

export interface Keyed extends Version {
  namespace?: string;
  name: string;
}
export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";
export type Change<T> = { type: ChangeType; obj: T; old: T | undefined };

const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? ""}/${name}`;

export class InformerStore<T extends Keyed> {
  private readonly byNs = new Map<string, Map<string, T>>();
  private readonly tombstones = new Tombstones();

  get(namespace: string | undefined, name: string): T | undefined {
    return this.byNs.get(namespace ?? "")?.get(name);
  }
  inNamespace(namespace: string): T[] {
    return [...(this.byNs.get(namespace)?.values() ?? [])];
  }
  namespaces(): string[] {
    return [...this.byNs.keys()];
  }
  *values(): IterableIterator<T> {
    for (const m of this.byNs.values()) yield* m.values();
  }
  get size(): number {
    let n = 0;
    for (const m of this.byNs.values()) n += m.size;
    return n;
  }

  /** A watched object: stored when newer than the entry. Returns the replaced entry, or false when not stored. */
  put(obj: T): { old: T | undefined } | false {
    const old = this.get(obj.namespace, obj.name);
    if (old && !isNewerVersion(obj.resourceVersion, old.resourceVersion)) return false;
    this.set(obj);
    return { old };
  }

  /** A write's answer, `watched` the version the watch has delivered everything up to (see the rules above). */
  putWritten(obj: T, watched: string): { old: T | undefined } | false {
    if (this.tombstones.buries(keyOf(obj.namespace, obj.name), obj)) return false;
    const present = this.get(obj.namespace, obj.name) !== undefined;
    if (!present && isBuriedBy(obj, { resourceVersion: watched })) return false;
    return this.put(obj);
  }

  /** A delete of `gone`: evicts the entry unless it is a later incarnation; remembers the delete. */
  evict(namespace: string | undefined, name: string, gone: Version): T | undefined {
    if (gone.uid || gone.resourceVersion) this.tombstones.add(keyOf(namespace, name), gone);
    const old = this.get(namespace, name);
    if (!old) return undefined;
    const later = old.uid !== gone.uid && isKnownNewer(old.resourceVersion, gone.resourceVersion);
    if (later) return undefined;
    const m = this.byNs.get(namespace ?? "")!;
    m.delete(name);
    if (m.size === 0) this.byNs.delete(namespace ?? "");
    return old;
  }

  /** Replaces the contents with a list taken at version `rv`; returns what changed. */
  replace(listed: T[], rv: string): Change<T>[] {
    const before = new Map([...this.byNs].map(([ns, m]) => [ns, new Map(m)]));
    this.byNs.clear();
    for (const obj of listed)
      if (!this.tombstones.buries(keyOf(obj.namespace, obj.name), obj)) this.put(obj);
    for (const items of before.values())
      for (const obj of items.values()) if (isKnownNewer(obj.resourceVersion, rv)) this.put(obj); // written while it listed
    const changes: Change<T>[] = [];
    for (const obj of this.values()) {
      const old = before.get(obj.namespace ?? "")?.get(obj.name);
      if (!old) changes.push({ type: "ADDED", obj, old });
      else if (old.resourceVersion !== obj.resourceVersion || old.uid !== obj.uid)
        changes.push({ type: "MODIFIED", obj, old });
    }
    for (const items of before.values())
      for (const old of items.values())
        if (!this.get(old.namespace, old.name)) {
          this.tombstones.add(keyOf(old.namespace, old.name), old);
          changes.push({ type: "DELETED", obj: old, old });
        }
    return changes;
  }

  private set(obj: T) {
    const ns = obj.namespace ?? "";
    if (!this.byNs.has(ns)) this.byNs.set(ns, new Map());
    this.byNs.get(ns)!.set(obj.name, obj);
  }
}
