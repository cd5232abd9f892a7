// The controller's wiring on the in-memory cluster, with fake timers: which cache events run which units of work
// (the namespaces reconciled, recorded here, and the writes that follow), the finalizer, cleanup when a manager is
// deleted, and the periodic resync. The caches are fed by hand (`put`, `watch`) instead of by watches.
import { ApiError } from "../k8s/api-error";
import { FINALIZER } from "../constants";
import {
  buildFakeCluster,
  clusterManagerObj,
  inlineEntry,
  namespacedManagerObj,
  namespaceObj,
  Obj,
  pathOf,
  pullNames,
  serviceAccountObj,
} from "../../test/unit/helpers/cluster";
import { Controller } from "./index";

/** The namespaces reconciled, in order. */
const reconciled: string[] = [];
jest.mock("./namespace", () => {
  const actual = jest.requireActual("./namespace");
  return {
    ...actual,
    reconcileNamespace: (cache: unknown, ns: string) => {
      reconciled.push(ns);
      return actual.reconcileNamespace(cache, ns);
    },
  };
});

const KEY = "ImagePullSecretManager/team/m";
const hub = { kind: "Secret", metadata: { namespace: "team", name: "hub" } };
/** Runs every timer and the work it queues for `ms` of fake time. */
const settle = (ms = 5_000) => jest.advanceTimersByTimeAsync(ms);

/** A Controller on the in-memory cluster holding `objects`, started (its caches' start faked) and settled. */
async function started(...objects: Obj[]) {
  let ctl!: Controller;
  const c = buildFakeCluster(() => (ctl = new Controller()).cache);
  objects.forEach(o => c.put(o));
  jest.spyOn(ctl.cache, "start").mockResolvedValue(undefined);
  await settle();
  const before = { reconciled: [...reconciled], calls: c.api.calls.length };
  await ctl.start();
  await settle();
  /** A watch event for `o` (stored first), as the cache's watch delivers it. */
  const watch = (type: "ADDED" | "MODIFIED" | "DELETED", o: Obj) => {
    const stored = type === "DELETED" ? o : c.api.store(o);
    if (type === "DELETED") c.api.objects.delete(pathOf(o));
    const informers: Record<string, unknown> = {
      Namespace: ctl.cache.namespaces,
      ServiceAccount: ctl.cache.serviceAccounts,
      Secret: ctl.cache.secrets,
      ImagePullSecretManager: ctl.cache.namespacedManagers,
    };
    (informers[o.kind!] as { onEvent(e: unknown): void }).onEvent({ type, object: stored });
  };
  return { c, ctl, before, watch };
}
const basics = (spec: Record<string, unknown> = { secrets: [inlineEntry("hub")] }) => [
  namespaceObj("team"),
  serviceAccountObj("team"),
  namespacedManagerObj("team", "m", spec),
];
const events = (calls: { method: string; path: string; body?: unknown }[]) =>
  calls
    .filter(x => x.method === "POST" && x.path.endsWith("/events"))
    .map(x => (x.body as { reason: string }).reason);

describe("Controller", () => {
  beforeAll(() => (process.env.CHEIRON_MANAGE_CRDS = "false"));
  afterAll(() => delete process.env.CHEIRON_MANAGE_CRDS);
  beforeEach(() => {
    jest.useFakeTimers();
    reconciled.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  it("runs nothing before its caches are synced; then each manager's namespaces, once", async () => {
    const { c, before } = await started(...basics());
    expect(before).toEqual({ reconciled: [], calls: 0 });
    // Once: its own writes, answered as planned, do not run the namespace again.
    expect(reconciled).toEqual(["team"]);
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual(["hub"]);
    expect(c.cache.manager(KEY)!.status).toMatchObject({ namespaces: 1, secrets: 1 });
    expect(events(c.api.calls)).toEqual(["Reconciled"]);
  });

  it("adds its finalizer before its first write; a dry-run manager gets none", async () => {
    const [ns, sa, m] = basics();
    delete m.metadata.finalizers;
    const live = await started(ns, sa, m);
    const writes = live.c.api.calls.filter(x => x.method !== "POST" || !x.path.endsWith("/events"));
    expect(writes[0].path).toMatch(/\/imagepullsecretmanagers\/m$/);
    expect(live.c.get(m)!.metadata.finalizers).toEqual([FINALIZER]);

    const [ns2, sa2, dry] = basics({ dryRun: true, secrets: [inlineEntry("hub")] });
    delete dry.metadata.finalizers;
    const d = await started(ns2, sa2, dry);
    const finalizerWrites = d.c.api.calls.filter(x =>
      x.path.endsWith("/imagepullsecretmanagers/m"),
    );
    expect(finalizerWrites).toEqual([]);
    expect(d.c.get(dry)!.metadata.finalizers).toBeUndefined();
  });

  it("runs every manager's namespaces again at each resync, from its caches", async () => {
    const { c } = await started(...basics());
    reconciled.length = 0;
    const calls = c.api.calls.length;
    await settle(300_000);
    expect(reconciled).toEqual(["team"]);
    await settle(300_000);
    expect(reconciled).toEqual(["team", "team"]);
    expect(c.api.calls.slice(calls)).toEqual([]); // nothing changed: nothing written
  });

  it("reconciles a namespace created later, after its ADDED event, and flushes the status after it", async () => {
    const { c, watch } = await started(
      ...basics(),
      clusterManagerObj("all", { secrets: [inlineEntry("all")] }),
    );
    reconciled.length = 0;
    // The ServiceAccount's watch is first: its namespace is not known yet, so only the namespace's event can run it.
    watch("ADDED", serviceAccountObj("new"));
    await settle();
    expect(c.get(serviceAccountObj("new"))!.imagePullSecrets).toBeUndefined();
    watch("ADDED", namespaceObj("new"));
    await settle();
    expect(reconciled).toContain("new");
    expect(pullNames(c.get(serviceAccountObj("new")))).toEqual(["all"]);
    expect(c.cache.manager("ClusterImagePullSecretManager//all")!.status?.namespaces).toBe(2);
  });

  it("attaches again a reference someone removed from a ServiceAccount", async () => {
    const { c, watch } = await started(...basics());
    watch("MODIFIED", { ...c.get(serviceAccountObj("team"))!, imagePullSecrets: [] });
    await settle();
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual(["hub"]);
  });

  it("creates again a managed Secret someone deleted", async () => {
    const { c, watch } = await started(...basics());
    watch("DELETED", c.get(hub)!);
    expect(c.get(hub)).toBeUndefined();
    await settle();
    expect(c.get(hub)).toBeDefined();
  });

  it("updates every copy when its source Secret changes", async () => {
    const source = (auth: string): Obj => ({
      kind: "Secret",
      metadata: { namespace: "infra", name: "src" },
      type: "kubernetes.io/dockerconfigjson",
      data: {
        ".dockerconfigjson": Buffer.from(
          JSON.stringify({ auths: { "ghcr.io": { auth } } }),
        ).toString("base64"),
      },
    });
    const ref = { name: "pull", existingSecretRef: { name: "src", namespace: "infra" } };
    const { c, watch } = await started(
      namespaceObj("infra"),
      namespaceObj("team"),
      serviceAccountObj("team"),
      source("b2xk"),
      clusterManagerObj("all", { secrets: [ref] }),
    );
    const copy = { kind: "Secret", metadata: { namespace: "team", name: "pull" } };
    expect(c.get(copy)!.data).toEqual(source("b2xk").data);
    watch("MODIFIED", source("bmV3"));
    await settle();
    expect(c.get(copy)!.data).toEqual(source("bmV3").data);
  });
});

describe("Controller, a deleted manager", () => {
  beforeAll(() => (process.env.CHEIRON_MANAGE_CRDS = "false"));
  afterAll(() => delete process.env.CHEIRON_MANAGE_CRDS);
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const deleting = (o: Obj): Obj => ({
    ...o,
    metadata: { ...o.metadata, deletionTimestamp: "2024-01-02T00:00:00Z" },
  });

  it("cleans up, retrying a failed delete with backoff, then loses its finalizer; once gone, its state goes", async () => {
    const { c, ctl, watch } = await started(...basics());
    c.api.fail = x =>
      x.method === "DELETE" ? new ApiError("etcd down", 503, "ServiceUnavailable") : undefined;
    watch("MODIFIED", deleting(c.get(namespacedManagerObj("team", "m", {}))!));
    await settle();
    expect(c.get(hub)).toBeDefined();
    expect(c.get(namespacedManagerObj("team", "m", {}))!.metadata.finalizers).toEqual([FINALIZER]);
    expect(events(c.api.calls)).toContain("CleanupFailed");

    c.api.fail = () => undefined;
    await settle(60_000);
    expect(c.get(hub)).toBeUndefined();
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual([]);
    expect(events(c.api.calls).at(-1)).toBe("CleanedUp");
    const stored = c.get(namespacedManagerObj("team", "m", {}))!;
    expect(stored.metadata.finalizers).toEqual([]);

    expect(ctl.states.has(KEY)).toBe(true);
    watch("DELETED", stored);
    expect(ctl.states.has(KEY)).toBe(false);
  });

  it("in a namespace being deleted: checked again with backoff, it loses its finalizer once the namespace's objects are gone", async () => {
    const { c, watch } = await started(...basics());
    const m = namespacedManagerObj("team", "m", {});
    watch("DELETED", c.get(namespaceObj("team"))!); // its Secret and ServiceAccount are still there
    watch("MODIFIED", deleting(c.get(m)!));
    await settle();
    expect(c.get(m)!.metadata.finalizers).toEqual([FINALIZER]);
    // The namespace's finalization deletes them; no reconcile runs on that (the namespace is gone).
    watch("DELETED", c.get(hub)!);
    watch("DELETED", c.get(serviceAccountObj("team"))!);
    await settle(60_000);
    expect(c.get(m)!.metadata.finalizers).toEqual([]);
  });

  it("whose finalizer someone else removed: Cheiron writes nothing", async () => {
    const { c, watch } = await started(...basics());
    const calls = c.api.calls.length;
    const m = c.get(namespacedManagerObj("team", "m", {}))!;
    watch("MODIFIED", deleting({ ...m, metadata: { ...m.metadata, finalizers: [] } }));
    await settle();
    expect(c.api.calls.slice(calls)).toEqual([]);
    expect(c.get(hub)).toBeDefined();
  });
});
