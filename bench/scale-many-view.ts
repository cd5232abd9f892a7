// What the many-managers phase waits for, kept by admin watches over the namespaces of one prefix: how many
// ServiceAccounts reference every Secret their namespace should get (and how many reference any of the phase's),
// how many of those Secrets exist, and how many of the phase's managers are Ready for their generation.
import { Api, Watch } from "./scale-kube";
import { prefixOf, workWatches } from "./scale-view";

const MANY_NAME = /^bench-(many-\d+|own)$/;

export class ManyView {
  /** "<ns>/<name>" of each ServiceAccount of the prefix -> [has all expected, has any of the phase's names]. */
  private readonly sas = new Map<string, [boolean, boolean]>();
  private readonly secrets = new Set<string>();
  private readonly ready = new Set<string>();
  complete = 0;
  referencing = 0;
  /** Date.now() of the last ServiceAccount completed, Secret created or manager Ready. */
  lastChange = 0;
  private readonly watches: Watch[];

  constructor(
    api: Api,
    private readonly prefix: string,
    private expected: (ns: string) => string[],
  ) {
    const g = "/apis/cheiron.anny.co/v1alpha1";
    this.watches = [
      ...workWatches(
        api,
        (t, o) => this.onServiceAccount(t, o),
        (t, o) => this.onSecret(t, o),
      ),
      new Watch(api, `${g}/clusterimagepullsecretmanagers`, (t, o) => this.onManager(t, o)),
      new Watch(api, `${g}/imagepullsecretmanagers`, (t, o) => this.onManager(t, o)),
    ];
  }

  start = () => Promise.all(this.watches.map(w => w.start()));
  stop = () => this.watches.forEach(w => w.stop());

  /** The names each namespace should get from now on (each ServiceAccount is judged again at its next event). */
  expect(expected: (ns: string) => string[]) {
    this.expected = expected;
  }

  get secretCount() {
    return this.secrets.size;
  }

  get readyCount() {
    return this.ready.size;
  }

  private mine = (ns: string | undefined) => !!ns && prefixOf(ns) === this.prefix;

  private onServiceAccount(type: string, o: any) {
    const ns: string = o.metadata.namespace;
    if (!this.mine(ns)) return;
    const key = `${ns}/${o.metadata.name}`;
    const [hadAll, hadAny] = this.sas.get(key) ?? [false, false];
    const refs = new Set<string>((o.imagePullSecrets ?? []).map((r: { name?: string }) => r.name));
    const all = type !== "DELETED" && this.expected(ns).every(n => refs.has(n));
    const any = type !== "DELETED" && [...refs].some(n => MANY_NAME.test(n));
    this.complete += Number(all) - Number(hadAll);
    this.referencing += Number(any) - Number(hadAny);
    if (all && !hadAll) this.lastChange = Date.now();
    if (type === "DELETED") this.sas.delete(key);
    else this.sas.set(key, [all, any]);
  }

  private onSecret(type: string, o: any) {
    const ns: string = o.metadata.namespace;
    if (!this.mine(ns) || !MANY_NAME.test(o.metadata.name)) return;
    const key = `${ns}/${o.metadata.name}`;
    if (type === "DELETED") this.secrets.delete(key);
    else if (!this.secrets.has(key)) {
      this.secrets.add(key);
      this.lastChange = Date.now();
    }
  }

  private onManager(type: string, o: any) {
    const key = `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    if (!MANY_NAME.test(o.metadata.name)) return;
    const c = (o.status?.conditions ?? []).find((x: { type: string }) => x.type === "Ready");
    const ok = !!c && c.status === "True" && c.observedGeneration === o.metadata.generation;
    if (type === "DELETED" || !ok) this.ready.delete(key);
    else if (!this.ready.has(key)) {
      this.ready.add(key);
      this.lastChange = Date.now();
    }
  }
}
