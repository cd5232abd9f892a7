// What the benchmark knows about the cluster, kept by three admin watches (ServiceAccounts, the Secrets
// Cheiron manages, the cluster managers): counters per namespace prefix, so that "every ServiceAccount of
// c1000-* references the Secret" is a lookup, not a list of 3,000 objects.
import { sleep } from "../test/harness/proc";
import { MANAGER, SECRET } from "./scale-cluster";
import { Api, Watch, WatchHandler } from "./scale-kube";

export const prefixOf = (ns: string) => ns.slice(0, ns.lastIndexOf("-"));

/** Admin watches of every ServiceAccount and of the Secrets Cheiron manages (its label). */
export const workWatches = (api: Api, onServiceAccount: WatchHandler, onSecret: WatchHandler) => [
  new Watch(api, "/api/v1/serviceaccounts", onServiceAccount),
  new Watch(
    api,
    "/api/v1/secrets?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dcheiron",
    onSecret,
  ),
];

class Counter {
  readonly counts = new Map<string, number>();
  /** Date.now() of the last change that made a count grow. */
  readonly lastGrowth = new Map<string, number>();
  add(prefix: string, d: number) {
    this.counts.set(prefix, (this.counts.get(prefix) ?? 0) + d);
    if (d > 0) this.lastGrowth.set(prefix, Date.now());
  }
  get(prefix: string) {
    return this.counts.get(prefix) ?? 0;
  }
}

export class View {
  /** "<ns>/<name>" -> whether it references SECRET. */
  private readonly sas = new Map<string, boolean>();
  private readonly secrets = new Set<string>();
  readonly saCount = new Counter();
  readonly refCount = new Counter();
  readonly secretCount = new Counter();
  manager: any = undefined;
  /** Date.now() when the manager was last seen Ready for its current generation (undefined: not Ready). */
  readyAt: number | undefined;
  private readonly watches: Watch[];

  constructor(api: Api) {
    this.watches = [
      ...workWatches(
        api,
        (t, o) => this.onServiceAccount(t, o),
        (t, o) => this.onSecret(t, o),
      ),
      new Watch(api, "/apis/cheiron.anny.co/v1alpha1/clusterimagepullsecretmanagers", (t, o) =>
        this.onManager(t, o),
      ),
    ];
  }

  async start() {
    await Promise.all(this.watches.map(w => w.start()));
  }

  stop() {
    for (const w of this.watches) w.stop();
  }

  private onServiceAccount(type: string, o: any) {
    const ns: string = o.metadata.namespace;
    const key = `${ns}/${o.metadata.name}`;
    const had = this.sas.get(key);
    const has = (o.imagePullSecrets ?? []).some((r: { name?: string }) => r.name === SECRET);
    const p = prefixOf(ns);
    if (type === "DELETED") {
      if (had === undefined) return;
      this.sas.delete(key);
      this.saCount.add(p, -1);
      if (had) this.refCount.add(p, -1);
      return;
    }
    this.sas.set(key, has);
    if (had === undefined) this.saCount.add(p, 1);
    if (has && !had) this.refCount.add(p, 1);
    if (!has && had) this.refCount.add(p, -1);
  }

  private onSecret(type: string, o: any) {
    if (o.metadata.name !== SECRET) return;
    const ns: string = o.metadata.namespace;
    const had = this.secrets.has(ns);
    if (type === "DELETED") {
      if (had) this.secretCount.add(prefixOf(ns), -1);
      this.secrets.delete(ns);
    } else if (!had) {
      this.secrets.add(ns);
      this.secretCount.add(prefixOf(ns), 1);
    }
  }

  private onManager(type: string, o: any) {
    if (o.metadata.name !== MANAGER) return;
    this.manager = type === "DELETED" ? undefined : o;
    const ready = this.isReady();
    if (!ready) this.readyAt = undefined;
    else this.readyAt ??= Date.now();
  }

  /** Ready: condition Ready=True with observedGeneration equal to the manager's generation. */
  isReady(): boolean {
    const m = this.manager;
    const c = (m?.status?.conditions ?? []).find((x: { type: string }) => x.type === "Ready");
    return !!c && c.status === "True" && c.observedGeneration === m.metadata.generation;
  }

  serviceAccountsIn(prefix: string) {
    return this.saCount.get(prefix);
  }

  hasSecret(ns: string) {
    return this.secrets.has(ns);
  }

  hasServiceAccount(ns: string, sa: string) {
    return this.sas.has(`${ns}/${sa}`);
  }

  hasRef(ns: string, sa: string) {
    return this.sas.get(`${ns}/${sa}`) === true;
  }

  /** Waits until ok() holds (checked every 20 ms); throws after timeoutMs. */
  async until(what: string, timeoutMs: number, ok: () => boolean) {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(20);
    }
  }
}
