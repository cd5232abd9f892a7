// The controller's wiring on the in-memory cluster, with fake timers: which cache events run which units of work
// (the namespaces reconciled, recorded here, and the writes that follow), the finalizer, cleanup when a manager is
// deleted, and the periodic resync. The caches are fed by hand (`put`, `watch`) instead of by watches.
import { ApiError } from "../k8s/api-error";
import { FINALIZER } from "../constants";
import {
  clusterManagerObj,
  inlineEntry,
  namespacedManagerObj,
  namespaceObj,
  Obj,
  pullNames,
  serviceAccountObj,
} from "../../test/unit/helpers/cluster";
import {
  basicObjects,
  eventReasons,
  settle,
  startController,
} from "../../test/unit/helpers/controller";

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
/** A Controller started on `objects`; `before`: what had happened before its start. */
async function started(...objects: Obj[]) {
  const before = { reconciled: [] as string[], calls: 0 };
  const r = await startController(objects, c => {
    before.reconciled = [...reconciled];
    before.calls = c.api.calls.length;
  });
  return { c: r, ctl: r.ctl, watch: r.watch, before };
}

describe("Controller", () => {
  beforeAll(() => (process.env.CHEIRON_MANAGE_CRDS = "false"));
  afterAll(() => delete process.env.CHEIRON_MANAGE_CRDS);
  beforeEach(() => {
    jest.useFakeTimers();
    reconciled.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  it("runs nothing before its caches are synced; then each manager's namespaces, once", async () => {
    const { c, before } = await started(...basicObjects());
    expect(before).toEqual({ reconciled: [], calls: 0 });
    // Once: its own writes, answered as planned, do not run the namespace again.
    expect(reconciled).toEqual(["team"]);
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual(["hub"]);
    expect(c.cache.manager(KEY)!.status).toMatchObject({ namespaces: 1, secrets: 1 });
    expect(eventReasons(c.api.calls)).toEqual(["Reconciled"]);
  });

  it("adds its finalizer before its first write; a dry-run manager gets none", async () => {
    const [ns, sa, m] = basicObjects();
    delete m.metadata.finalizers;
    const live = await started(ns, sa, m);
    // Its start-up webhook check (src/k8s/own-writes.ts) aside: those are not writes for the manager.
    const startUp = /selfsubjectreviews|admissionregistration/;
    const writes = live.c.api.calls.filter(
      x => (x.method !== "POST" || !x.path.endsWith("/events")) && !startUp.test(x.path),
    );
    expect(writes[0].path).toMatch(/\/imagepullsecretmanagers\/m$/);
    expect(live.c.get(m)!.metadata.finalizers).toEqual([FINALIZER]);

    const [ns2, sa2, dry] = basicObjects({ dryRun: true, secrets: [inlineEntry("hub")] });
    delete dry.metadata.finalizers;
    const d = await started(ns2, sa2, dry);
    const finalizerWrites = d.c.api.calls.filter(x =>
      x.path.endsWith("/imagepullsecretmanagers/m"),
    );
    expect(finalizerWrites).toEqual([]);
    expect(d.c.get(dry)!.metadata.finalizers).toBeUndefined();
  });

  it("runs every manager's namespaces again at each resync, from its caches", async () => {
    const { c } = await started(...basicObjects());
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
      ...basicObjects(),
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
    const { c, watch } = await started(...basicObjects());
    watch("MODIFIED", { ...c.get(serviceAccountObj("team"))!, imagePullSecrets: [] });
    await settle();
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual(["hub"]);
  });

  it("creates again a managed Secret someone deleted", async () => {
    const { c, watch } = await started(...basicObjects());
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
    const { c, ctl, watch } = await started(...basicObjects());
    c.api.fail = x =>
      x.method === "DELETE" ? new ApiError("etcd down", 503, "ServiceUnavailable") : undefined;
    watch("MODIFIED", deleting(c.get(namespacedManagerObj("team", "m", {}))!));
    await settle();
    expect(c.get(hub)).toBeDefined();
    expect(c.get(namespacedManagerObj("team", "m", {}))!.metadata.finalizers).toEqual([FINALIZER]);
    expect(eventReasons(c.api.calls)).toContain("CleanupFailed");

    c.api.fail = () => undefined;
    await settle(60_000);
    expect(c.get(hub)).toBeUndefined();
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual([]);
    expect(eventReasons(c.api.calls).at(-1)).toBe("CleanedUp");
    const stored = c.get(namespacedManagerObj("team", "m", {}))!;
    expect(stored.metadata.finalizers).toEqual([]);

    expect(ctl.states.has(KEY)).toBe(true);
    watch("DELETED", stored);
    expect(ctl.states.has(KEY)).toBe(false);
  });

  it("in a namespace being deleted: checked again with backoff, it loses its finalizer once the namespace's objects are gone", async () => {
    const { c, watch } = await started(...basicObjects());
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
    const { c, watch } = await started(...basicObjects());
    const calls = c.api.calls.length;
    const m = c.get(namespacedManagerObj("team", "m", {}))!;
    watch("MODIFIED", deleting({ ...m, metadata: { ...m.metadata, finalizers: [] } }));
    await settle();
    expect(c.api.calls.slice(calls)).toEqual([]);
    expect(c.get(hub)).toBeDefined();
  });
});
