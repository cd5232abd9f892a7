// An in-memory apiserver and a watcher cache over it, for the controller unit tests (not used at runtime):
// objects by path, JSON and merge patches with the resourceVersion precondition, and failures injected per call.
import { applyPatch, deepClone, Operation } from "fast-json-patch";
import { ApiError } from "../../../src/k8s/api-error";
import { ApiClient, setApiClient } from "../../../src/k8s/client";
import { API_VERSION } from "../../../src/constants";
import { WatcherCache } from "../../../src/controllers/cache";

export type Call = { method: string; path: string; body?: unknown };
// API objects of any kind, as JSON.
export type Obj = { kind?: string; metadata: Record<string, any>; [k: string]: any };

const PLURALS: Record<string, string> = {
  Namespace: "namespaces",
  Pod: "pods",
  ServiceAccount: "serviceaccounts",
  Secret: "secrets",
  ImagePullSecretManager: "imagepullsecretmanagers",
  ClusterImagePullSecretManager: "clusterimagepullsecretmanagers",
};

export function pathOf(o: Obj): string {
  const plural = PLURALS[o.kind ?? ""];
  const { name, namespace } = o.metadata;
  const api = plural.endsWith("managers") ? `/apis/${API_VERSION}` : "/api/v1";
  return `${api}${namespace ? `/namespaces/${namespace}` : ""}/${plural}/${name}`;
}

/** RFC 7386 JSON merge patch: objects merge key by key, null removes a key, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const isObj = target !== null && typeof target === "object" && !Array.isArray(target);
  const out: Record<string, unknown> = isObj ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class FakeApi {
  readonly objects = new Map<string, Obj>();
  readonly calls: Call[] = [];
  private rv = 100;
  /** Returns an error to refuse a call (nothing changes). */
  fail: (c: Call) => ApiError | undefined = () => undefined;

  client(): ApiClient {
    return this as unknown as ApiClient;
  }

  store(o: Obj): Obj {
    const stored = deepClone(o) as Obj;
    stored.metadata.resourceVersion = String(++this.rv);
    stored.metadata.uid ??= `uid-${stored.metadata.namespace ?? ""}-${stored.metadata.name}`;
    this.objects.set(pathOf(stored), stored);
    return deepClone(stored) as Obj;
  }

  async create(path: string, body: Obj): Promise<unknown> {
    this.check({ method: "POST", path, body });
    if (path.endsWith("/events")) return body;
    const kind = Object.keys(PLURALS).find(k => path.endsWith(`/${PLURALS[k]}`));
    const o = { ...body, kind };
    if (this.objects.has(pathOf(o))) throw new ApiError("exists", 409, "AlreadyExists");
    return this.store(o);
  }

  async patch(path: string, body: unknown, type: "json" | "merge" = "json"): Promise<unknown> {
    this.check({ method: "PATCH", path, body });
    const key = path.replace(/\/status$/, "");
    const current = this.objects.get(key);
    if (!current) throw new ApiError("not found", 404, "NotFound");
    if (type === "merge") return this.store(mergePatch(current, body) as Obj);
    const ops = body as Operation[];
    const rv = ops.find(o => o.path === "/metadata/resourceVersion") as { value?: string };
    if (rv && rv.value !== current.metadata.resourceVersion)
      throw new ApiError("conflict", 409, "Conflict");
    let patched: Obj;
    try {
      patched = applyPatch(deepClone(current), ops, true).newDocument as Obj; // RFC 6902: replace needs a target
    } catch (e) {
      throw new ApiError(String(e), 422, "Invalid");
    }
    return this.store(patched);
  }

  async delete(path: string, pre?: { resourceVersion?: string }): Promise<unknown> {
    this.check({ method: "DELETE", path, body: pre });
    const current = this.objects.get(path);
    if (!current) throw new ApiError("not found", 404, "NotFound");
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
      throw new ApiError("conflict", 409, "Conflict");
    this.objects.delete(path);
    return {};
  }

  /** A list (Pods: the only kind read by list outside the watch), one page, the query ignored. */
  async *pages(path: string): AsyncGenerator<{ items: unknown[] }> {
    const items = [...this.objects].filter(([p]) => p.startsWith(`${path}/`)).map(([, o]) => o);
    yield { items: deepClone(items) as unknown[] };
  }

  /** Calls of one method on paths containing `part`. */
  callsTo(method: string, part: string): Call[] {
    return this.calls.filter(c => c.method === method && c.path.includes(part));
  }

  private check(c: Call) {
    this.calls.push(c);
    const e = this.fail(c);
    if (e) throw e;
  }
}

export * from "./objects";

const noop = () => undefined;

/**
 * A fake apiserver (installed as the process's client) and a watcher cache fed by `put`: by default one without
 * handlers, or the one `makeCache` builds once the client is installed (a Controller's).
 */
export function buildFakeCluster(makeCache?: () => WatcherCache) {
  const api = new FakeApi();
  setApiClient(api.client());
  const handlers = { manager: noop, namespace: noop, serviceAccount: noop, secret: noop };
  const cache = makeCache?.() ?? new WatcherCache(api.client(), handlers);
  cache.ownershipKey = Buffer.from("test-ownership-key");
  const informer = (kind: string) =>
    ({
      Namespace: cache.namespaces,
      ServiceAccount: cache.serviceAccounts,
      Secret: cache.secrets,
      ImagePullSecretManager: cache.namespacedManagers,
      ClusterImagePullSecretManager: cache.clusterManagers,
    })[kind]!;
  /** Stores an object in the apiserver and delivers it to the cache, as the watch would. */
  const put = (o: Obj) => {
    const stored = api.store(o);
    informer(o.kind!).upsert(stored);
    return stored;
  };
  /** Removes an object from the apiserver and the cache. */
  const drop = (o: Obj) => {
    api.objects.delete(pathOf(o));
    informer(o.kind!).remove(o.metadata.namespace, o.metadata.name);
  };
  /** The stored object (undefined when absent). */
  const get = (o: Obj) => api.objects.get(pathOf(o));
  return { api, cache, put, drop, get };
}
