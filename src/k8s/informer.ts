// A watch-fed cache of one kind (client-go's informer, in small): listed once in pages, then kept current by a
// watch that resumes from the last resourceVersion (bookmarks keep it fresh) and relists only on 410 Gone.
// Objects are slimmed on arrival (slim returns only what Cheiron needs; undefined skips the object), indexed
// by namespace, and updated write-through after Cheiron's own writes, so a reconcile never acts on a state it
// has already changed. The watch stays the truth: informer-store.ts says how write-through, deletes and relists
// are ordered by version, so that a late answer never brings back a deleted object.
import { Log } from "pepr";
import type { ApiClient } from "./client";
import { ApiError } from "./api-error";
import { isNotFound } from "./errors";
import { ChangeType, InformerStore, Keyed } from "./informer-store";
import { isNewerVersion, Version } from "./versions";
import { Waiters } from "./waiters";
import { watchStream, WatchEvent } from "./watch";

export type { ChangeType, Keyed } from "./informer-store";
export { isNewerVersion } from "./versions";

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

export class Informer<T extends Keyed> {
  private readonly store = new InformerStore<T>();
  private resourceVersion = "";
  private readonly abort = new AbortController();
  private started?: Promise<void>;
  private readonly waiters = new Waiters();
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
    return this.store.get(namespace, name);
  }
  inNamespace(namespace: string): T[] {
    return this.store.inNamespace(namespace);
  }
  namespaces(): string[] {
    return this.store.namespaces();
  }
  values(): IterableIterator<T> {
    return this.store.values();
  }
  get size(): number {
    return this.store.size;
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
    return this.waiters.waitFor(() => this.get(namespace, name), holds, timeoutMs);
  }

  /**
   * Write-through after Cheiron's own write (an older version never replaces a newer one, and an answer about
   * an object deleted since is refused). onChange learns whether `asPlanned` holds for the stored object: the
   * answer is exactly Cheiron's own change, which the unit of work that made it has already accounted for.
   */
  upsert(raw: unknown, asPlanned?: (obj: T) => boolean): void {
    const obj = this.opts.slim(raw);
    if (!obj) return;
    const stored = this.store.putWritten(obj, this.resourceVersion);
    if (stored) this.notify("MODIFIED", obj, stored.old, asPlanned?.(obj) ?? false);
  }

  /** After Cheiron deleted `gone` (default: the entry), or learnt from a 404 that it does not exist. */
  remove(namespace: string | undefined, name: string, gone?: Version): void {
    const old = this.store.evict(namespace, name, gone ?? this.get(namespace, name) ?? {});
    if (old) this.notify("DELETED", old, old);
  }

  /**
   * A write to `target` and its write-through: the answer is stored (upsert); an answer of undefined (a delete)
   * or a 404 (it does not exist) removes target. A failure is rethrown.
   */
  async write(
    target: Keyed,
    request: Promise<unknown>,
    asPlanned?: (obj: T) => boolean,
  ): Promise<void> {
    let answer: unknown;
    try {
      answer = await request;
    } catch (e) {
      if (isNotFound(e)) this.remove(target.namespace, target.name, target);
      throw e;
    }
    if (answer === undefined) this.remove(target.namespace, target.name, target);
    else this.upsert(answer, asPlanned);
  }

  private notify(type: ChangeType, obj: T, old: T | undefined, planned = false) {
    this.waiters.changed();
    try {
      this.opts.onChange?.(type, obj, old, planned);
    } catch (e) {
      Log.warn({ informer: this.opts.name, error: String(e) }, "Cheiron event handler failed");
    }
  }

  /** Lists in pages and replaces the cache, announcing what changed since the previous contents. */
  private async relist(): Promise<void> {
    this.lists++;
    const listed: T[] = [];
    let rv = "";
    for await (const page of this.client.pages<unknown>(
      this.opts.path,
      this.opts.query,
      this.opts.pageSize ?? 500,
    )) {
      for (const raw of page.items ?? []) {
        const obj = this.opts.slim(raw);
        if (obj) listed.push(obj);
      }
      rv = page.metadata?.resourceVersion ?? rv;
    }
    for (const c of this.store.replace(listed, rv)) this.notify(c.type, c.obj, c.old);
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

  private onEvent(
    e: WatchEvent<{ metadata?: { namespace?: string; name?: string; resourceVersion?: string } }>,
  ) {
    const md = e.object?.metadata;
    const rv = md?.resourceVersion;
    if (e.type === "ERROR") {
      const code = (e.object as { code?: number }).code ?? 0;
      throw new ApiError(`watch ${this.opts.path}: ${code}`, code, code === 410 ? "Gone" : "Error");
    }
    if (rv) this.resourceVersion = rv;
    if (e.type === "BOOKMARK") return;
    // The echo of Cheiron's own write (the cache holds this version already), or an older copy: put would not
    // store it, so it is not slimmed either (a fan-out's every write comes back this way).
    const held = e.type !== "DELETED" && md?.name ? this.get(md.namespace, md.name) : undefined;
    if (held && !isNewerVersion(rv, held.resourceVersion)) return;
    const obj = this.opts.slim(e.object);
    if (!obj) return;
    if (e.type === "DELETED") return this.remove(obj.namespace, obj.name, obj);
    const stored = this.store.put(obj);
    if (stored) this.notify(e.type, obj, stored.old);
  }
}
