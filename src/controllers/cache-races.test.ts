// End to end in memory: the watcher's cache and its writes against a small in-memory apiserver whose watch is
// delivered by hand, so that a write's answer can be made to arrive after the watch reported a delete. The
// subject is issue 22 #5: a Secret that no longer exists must not stay in the cache (a zombie), where it would
// be referenced by ServiceAccounts and counted by flushDeleting, holding a deleting manager's finalizer forever.
import { afterEach, describe, expect, it } from "@jest/globals";
import { ApiError } from "../k8s/api-error";
import { ApiClient, setApiClient } from "../k8s/client";
import { FINALIZER, KIND_CLUSTER } from "../constants";
import { paths } from "../k8s/paths";
import { WatcherCache } from "./cache";
import { reconcileNamespace } from "./namespace";
import { flushDeleting, newManagerState } from "./report";

type Meta = Record<string, unknown> & { name?: string; uid?: string; resourceVersion?: string };
type Obj = Record<string, unknown> & { metadata: Meta };
type Op = { op: string; path: string; value?: unknown };
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;
const fail = (status: number) => Promise.reject(new ApiError(`${status}`, status, `${status}`));

/** Objects by path, one revision counter, and the watch events not delivered yet. */
class MemoryApi {
  private rv = 100;
  readonly objects = new Map<string, Obj>();
  pending: { type: string; path: string; obj: Obj }[] = [];
  /** Runs after the server applied a write and before the caller gets the answer. */
  afterWrite?: (path: string) => void;

  put(path: string, obj: Obj, type = "ADDED") {
    const meta = obj.metadata;
    meta.uid ??= `uid-${++this.rv}`;
    meta.resourceVersion = String(++this.rv);
    this.objects.set(path, obj);
    this.pending.push({ type, path, obj: clone(obj) });
  }
  drop(path: string) {
    const obj = this.objects.get(path)!;
    this.objects.delete(path);
    obj.metadata.resourceVersion = String(++this.rv);
    this.pending.push({ type: "DELETED", path, obj: clone(obj) });
  }
  private answer(path: string) {
    const stored = clone(this.objects.get(path));
    this.afterWrite?.(path);
    return Promise.resolve(stored);
  }
  create(base: string, body: Obj) {
    const meta = body.metadata;
    const path = `${base}/${meta.name ?? `${String(meta.generateName)}${this.rv}`}`;
    if (this.objects.has(path)) return fail(409);
    this.put(path, clone(body));
    return this.answer(path);
  }
  patch(path: string, body: unknown, type = "json") {
    if (!this.objects.has(path)) return fail(404);
    const obj = clone(this.objects.get(path)!);
    if (type === "merge") Object.assign(obj, body);
    for (const { op, path: p, value } of type === "json" ? (body as Op[]) : []) {
      if (p === "/metadata/resourceVersion") {
        if (value !== obj.metadata.resourceVersion) return fail(409);
        continue;
      }
      const keys = p
        .split("/")
        .slice(1)
        .map(k => k.replace(/~1/g, "/").replace(/~0/g, "~"));
      const last = keys.pop()!;
      const parent = keys.reduce(
        (o, k) => o[k] as Record<string, unknown>,
        obj as Record<string, unknown>,
      );
      if (op === "remove") delete parent[last];
      else parent[last] = value;
    }
    this.put(path, obj, "MODIFIED");
    return this.answer(path);
  }
  delete(path: string, pre?: { uid?: string; resourceVersion?: string }) {
    const obj = this.objects.get(path);
    if (!obj) return fail(404);
    if (pre?.uid && pre.uid !== obj.metadata.uid) return fail(409);
    this.drop(path);
    return Promise.resolve({ kind: "Status", status: "Success" });
  }
}

const MANAGER = paths.manager({ kind: KIND_CLUSTER, name: "m" });

function setup() {
  const api = new MemoryApi();
  const secretEvents: string[] = []; // what the controller queues work on (index.ts onSecret)
  setApiClient(api as unknown as ApiClient);
  const cache = new WatcherCache(api as unknown as ApiClient, {
    manager: () => {},
    namespace: () => {},
    serviceAccount: () => {},
    secret: (type, s) => secretEvents.push(`${type} ${s.name}`),
  });
  cache.ownershipKey = Buffer.from("test key");
  /** Delivers the watch events the apiserver has not delivered yet, in order. */
  const deliver = () => {
    for (const e of api.pending.splice(0)) {
      const inf = e.path.includes("/secrets/")
        ? cache.secrets
        : e.path.includes("/serviceaccounts/")
          ? cache.serviceAccounts
          : e.path.includes("clusterimagepullsecretmanagers")
            ? cache.clusterManagers
            : e.path.startsWith("/api/v1/namespaces/") && !e.path.includes("/events/")
              ? cache.namespaces
              : undefined;
      (inf as unknown as { onEvent?: (e: unknown) => void })?.onEvent?.({
        type: e.type,
        object: e.obj,
      });
    }
  };
  api.put("/api/v1/namespaces/a", { metadata: { name: "a" } });
  api.put("/api/v1/namespaces/a/serviceaccounts/default", {
    metadata: { name: "default", namespace: "a" },
  });
  api.put(MANAGER, {
    kind: KIND_CLUSTER,
    metadata: { name: "m", generation: 1, finalizers: [FINALIZER] },
    spec: { secrets: [{ name: "x", registry: "r.example", username: "u", password: "p" }] },
  });
  deliver();
  /** Marks the manager deleted (its finalizer holds it) and runs its namespace and its cleanup check. */
  const deleteManager = async () => {
    const m = clone(api.objects.get(MANAGER)!);
    m.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
    api.put(MANAGER, m, "MODIFIED");
    deliver();
    await reconcileNamespace(cache, "a");
    deliver();
    const manager = cache.managers()[0];
    return flushDeleting(cache, manager, newManagerState());
  };
  const referenced = () =>
    (
      (api.objects.get("/api/v1/namespaces/a/serviceaccounts/default")?.imagePullSecrets ?? []) as {
        name: string;
      }[]
    ).map(r => r.name);
  return { api, cache, deliver, deleteManager, referenced, secretEvents };
}

const SECRET = "/api/v1/namespaces/a/secrets/x";

describe("the watcher's cache against an in-memory apiserver", () => {
  afterEach(() => setApiClient(undefined));

  it("a Secret deleted before its create's answer arrived is not kept: it is created again, and the finalizer goes", async () => {
    const { api, cache, deliver, deleteManager, referenced } = setup();
    api.afterWrite = path => {
      if (path !== SECRET || api.pending.some(e => e.type === "DELETED")) return;
      api.drop(path); // someone deletes it at once ...
      deliver(); // ... and the watch reports both before the create's answer is processed
    };
    await reconcileNamespace(cache, "a");
    deliver();
    api.afterWrite = undefined;
    expect(cache.secrets.get("a", "x")).toBeUndefined();
    await reconcileNamespace(cache, "a"); // what the DELETED queued: the Secret comes back
    deliver();
    expect(api.objects.has(SECRET)).toBe(true);
    expect(referenced().filter(n => !api.objects.has(`/api/v1/namespaces/a/secrets/${n}`))).toEqual(
      [],
    );
    expect(await deleteManager()).toBe(true);
    expect(api.objects.get(MANAGER)?.metadata.finalizers).toEqual([]);
  });

  it("a Secret whose delete answers 404 leaves the cache and no longer holds the finalizer", async () => {
    const { api, cache, deliver, deleteManager } = setup();
    await reconcileNamespace(cache, "a");
    deliver();
    expect(cache.secrets.get("a", "x")).toBeDefined();
    api.objects.delete(SECRET); // gone without a watch event reaching the cache (a stale entry)
    expect(await deleteManager()).toBe(true);
    expect(cache.secrets.get("a", "x")).toBeUndefined();
  });

  it("a Secret or ServiceAccount whose patch answers 404 leaves the cache", async () => {
    const { api, cache, deliver, secretEvents } = setup();
    await reconcileNamespace(cache, "a");
    deliver();
    secretEvents.length = 0;
    api.objects.delete(SECRET); // stale entries, as above
    api.objects.delete("/api/v1/namespaces/a/serviceaccounts/default");
    const m = clone(api.objects.get(MANAGER)!);
    (m.spec as { secrets: { password: string }[] }).secrets[0].password = "rotated";
    m.metadata.generation = 2;
    api.put(MANAGER, m, "MODIFIED");
    deliver();
    await reconcileNamespace(cache, "a"); // the Secret's update and the ServiceAccount's patch: 404
    expect(cache.secrets.get("a", "x")).toBeUndefined();
    expect(cache.serviceAccounts.get("a", "default")).toBeUndefined();
    expect(secretEvents).toEqual(["DELETED x"]); // the controller queues the namespace again
    deliver();
    await reconcileNamespace(cache, "a"); // what the removal queued: the Secret is created again
    expect(api.objects.has(SECRET)).toBe(true);
  });
});
