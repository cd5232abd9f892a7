// A watch-fed cache of one kind (client-go's informer, in small): listed once in pages, then kept current by a
// watch that resumes from the last resourceVersion (bookmarks keep it fresh) and relists only on 410 Gone.
// Objects are slimmed on arrival (slim returns only what Cheiron needs; undefined skips the object), indexed
// by namespace, and updated write-through after Cheiron's own writes, so a reconcile never acts on a state it
// has already changed.
import { Log } from "pepr";
import type { ApiClient } from "./client";
import { ApiError } from "./api-error";
import { watchStream, WatchEvent } from "./watch";

export interface Keyed {
  namespace?: string;
  name: string;
  resourceVersion?: string;
}
export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

export interface InformerOptions<T extends Keyed> {
  name: string;
  path: string;
  query?: Record<string, string | undefined>;
  slim: (obj: unknown) => T | undefined;
  /** `planned`: Cheiron's own write whose answer was exactly what it planned (see upsert). */
  onChange?: (type: ChangeType, obj: T, old: T | undefined, planned: boolean) => void;
  pageSize?: number;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** True when resourceVersion a is newer than b (both etcd revisions; opaque values compare as different). */
export function isNewerVersion(a?: string, b?: string): boolean {
  if (a === undefined || b === undefined) return a !== undefined;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b);
  return a !== b;
}

export class Informer<T extends Keyed> {
  private readonly byNs = new Map<string, Map<string, T>>();
  private resourceVersion = "";
  private readonly abort = new AbortController();
  private started?: Promise<void>;
  private readonly waiters = new Set<() => void>();
  /** Lists made (1 at start, +1 per 410), for tests and benchmarks. */
  lists = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly opts: InformerOptions<T>,
  ) {}

  /** Resolves once the initial list is in the cache; the watch then runs until stop(). */
  start(): Promise<void> {
    this.started ??= (async () => {
      for (let delay = 500; ; delay = Math.min(delay * 2, 30_000)) {
        try {
          await this.relist();
          break;
        } catch (e) {
          Log.warn({ informer: this.opts.name, error: String(e) }, "Cheiron list failed; retrying");
          await sleep(delay);
        }
      }
      void this.watchLoop();
    })();
    return this.started;
  }

  stop(): void {
    this.abort.abort();
  }

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

  /**
   * Resolves with the object once `holds` is true of it (checked now and after every change the cache takes), or
   * with undefined after timeoutMs: a read from the watch instead of a GET (after a 409, or a create not seen yet).
   */
  waitFor(
    namespace: string | undefined,
    name: string,
    holds: (obj: T | undefined) => boolean,
    timeoutMs: number,
  ): Promise<{ obj: T | undefined } | undefined> {
    const now = this.get(namespace, name);
    if (holds(now)) return Promise.resolve({ obj: now });
    return new Promise(resolve => {
      const done = (found: { obj: T | undefined } | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      const check = () => {
        const obj = this.get(namespace, name);
        if (holds(obj)) done({ obj });
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      timer.unref?.();
      this.waiters.add(check);
    });
  }

  /**
   * Write-through after Cheiron's own write (an older version never replaces a newer one). onChange learns
   * whether `asPlanned` holds for the stored object: the answer is exactly Cheiron's own change, which the unit
   * of work that made it has already accounted for.
   */
  upsert(raw: unknown, asPlanned?: (obj: T) => boolean): void {
    const obj = this.opts.slim(raw);
    if (obj) this.apply("MODIFIED", obj, asPlanned?.(obj) ?? false);
  }
  remove(namespace: string | undefined, name: string): void {
    const old = this.get(namespace, name);
    if (old) this.apply("DELETED", old);
  }

  private apply(type: ChangeType | "BOOKMARK", obj: T, planned = false) {
    const ns = obj.namespace ?? "";
    const old = this.byNs.get(ns)?.get(obj.name);
    if (type === "DELETED") {
      if (!old) return;
      this.byNs.get(ns)?.delete(obj.name);
      if (this.byNs.get(ns)?.size === 0) this.byNs.delete(ns);
    } else {
      if (old && !isNewerVersion(obj.resourceVersion, old.resourceVersion)) return;
      if (!this.byNs.has(ns)) this.byNs.set(ns, new Map());
      this.byNs.get(ns)!.set(obj.name, obj);
    }
    this.notify(
      type === "BOOKMARK" ? "MODIFIED" : type,
      type === "DELETED" ? old! : obj,
      old,
      planned,
    );
  }

  private notify(type: ChangeType, obj: T, old: T | undefined, planned = false) {
    for (const check of [...this.waiters]) check();
    try {
      this.opts.onChange?.(type, obj, old, planned);
    } catch (e) {
      Log.warn({ informer: this.opts.name, error: String(e) }, "Cheiron event handler failed");
    }
  }

  /** Lists in pages and replaces the cache, announcing what changed since the previous contents. */
  private async relist(): Promise<void> {
    this.lists++;
    const fresh = new Map<string, Map<string, T>>();
    let rv = "";
    for await (const page of this.client.pages<unknown>(
      this.opts.path,
      this.opts.query,
      this.opts.pageSize ?? 500,
    )) {
      for (const raw of page.items ?? []) {
        const obj = this.opts.slim(raw);
        if (!obj) continue;
        const ns = obj.namespace ?? "";
        if (!fresh.has(ns)) fresh.set(ns, new Map());
        fresh.get(ns)!.set(obj.name, obj);
      }
      rv = page.metadata?.resourceVersion ?? rv;
    }
    const old = new Map(this.byNs);
    this.byNs.clear();
    for (const [ns, items] of fresh) this.byNs.set(ns, items);
    for (const [ns, items] of fresh) {
      for (const [name, obj] of items) {
        const before = old.get(ns)?.get(name);
        if (!before) this.notify("ADDED", obj, undefined);
        else if (before.resourceVersion !== obj.resourceVersion)
          this.notify("MODIFIED", obj, before);
      }
    }
    for (const [ns, items] of old) {
      for (const [name, obj] of items)
        if (!fresh.get(ns)?.has(name)) this.notify("DELETED", obj, obj);
    }
    this.resourceVersion = rv;
  }

  private async watchLoop(): Promise<void> {
    let delay = 500;
    while (!this.abort.signal.aborted) {
      try {
        await watchStream(
          this.client,
          {
            path: this.opts.path,
            query: this.opts.query ?? {},
            resourceVersion: this.resourceVersion,
            timeoutSeconds: 240 + Math.floor(Math.random() * 120),
            idleMs: 150_000,
            onEvent: e =>
              this.onEvent(e as WatchEvent<{ metadata?: { resourceVersion?: string } }>),
          },
          this.abort.signal,
        );
        delay = 500;
      } catch (e) {
        if (this.abort.signal.aborted) return;
        const err = e as ApiError;
        try {
          if (err.status === 410) {
            await this.relist();
            continue;
          }
        } catch (listError) {
          Log.warn({ informer: this.opts.name, error: String(listError) }, "Cheiron relist failed");
        }
        await sleep(err.retryAfterSeconds ? err.retryAfterSeconds * 1000 : delay);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  private onEvent(e: WatchEvent<{ metadata?: { resourceVersion?: string } }>) {
    const rv = e.object?.metadata?.resourceVersion;
    if (e.type === "ERROR") {
      const code = (e.object as { code?: number }).code ?? 0;
      throw new ApiError(`watch ${this.opts.path}: ${code}`, code, code === 410 ? "Gone" : "Error");
    }
    if (rv) this.resourceVersion = rv;
    if (e.type === "BOOKMARK") return;
    const obj = this.opts.slim(e.object);
    if (!obj) return;
    this.apply(e.type, obj);
  }
}
