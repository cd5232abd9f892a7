// Pod reads and deletes on a fake client that serves Pod lists in pages: which Pods mode Pod counts, where it
// lists them (per namespace for a few, cluster-wide for many), what the stuck-Pod check reads, and the delete of
// one stuck Pod (this very one, by uid; gone or replaced is not an error).
import { Log } from "pepr";
import { ApiError } from "../k8s/api-error";
import { ApiClient, setApiClient } from "../k8s/client";
import type { StuckPod } from "../domain/stuck";
import { namespacedManager } from "../../test/unit/helpers/fixtures";
import { countPodsReferencing, deleteStuckPod, readLivePods } from "./pods";

const WITH = "cheiron.anny.co/reconcile-with";
const pod = (namespace: string, name: string, names?: string, extra: object = {}) => ({
  metadata: { namespace, name, uid: `uid-${name}`, annotations: names ? { [WITH]: names } : {} },
  ...extra,
});

/** Serves `pods` by path (all namespaces for /api/v1/pods), `limit` a page; records each list and delete. */
function setup(pods: ReturnType<typeof pod>[]) {
  const lists: { path: string; query: unknown; limit: number }[] = [];
  const deletes: { path: string; pre: unknown }[] = [];
  let deleteError: ApiError | undefined;
  const client = {
    async *pages(path: string, query: unknown, limit: number) {
      lists.push({ path, query, limit });
      const ns = /\/namespaces\/([^/]+)\/pods$/.exec(path)?.[1];
      const items = pods.filter(p => ns === undefined || p.metadata.namespace === ns);
      for (let i = 0; i === 0 || i < items.length; i += limit)
        yield { items: items.slice(i, i + limit) };
    },
    async delete(path: string, pre: unknown) {
      deletes.push({ path, pre });
      if (deleteError) throw deleteError;
      return {};
    },
  };
  setApiClient(client as unknown as ApiClient);
  return { lists, deletes, failDeletes: (e: ApiError) => (deleteError = e) };
}

afterEach(() => {
  setApiClient(undefined);
  delete process.env.CHEIRON_POD_PAGE_SIZE;
});

describe("countPodsReferencing", () => {
  it("counts the Pods that carry one of the names attachable in their namespace, over every page", async () => {
    process.env.CHEIRON_POD_PAGE_SIZE = "2";
    const { lists } = setup([
      pod("a", "p1", "hub"),
      pod("a", "p2", "other, hub"),
      pod("a", "p3", "quay"), // quay is attachable in b only
      pod("a", "p4"),
      pod("a", "p5", "hub"),
      pod("b", "p6", "quay"),
      pod("c", "p7", "hub"), // not a target
    ]);
    expect(await countPodsReferencing(["a", "b"], { a: ["hub"], b: ["quay"] })).toBe(4);
    expect(lists.map(l => [l.path, l.limit])).toEqual([
      ["/api/v1/namespaces/a/pods", 2],
      ["/api/v1/namespaces/b/pods", 2],
    ]);
  });

  it("lists once cluster-wide for more than ten namespaces, counting only theirs", async () => {
    const targets = Array.from({ length: 11 }, (_, i) => `t${i}`);
    const { lists } = setup([
      pod("t0", "p1", "hub"),
      pod("t10", "p2", "hub"),
      pod("x", "p3", "hub"),
    ]);
    // "x" is no target, though a Secret of that name would be attachable there.
    const attachable = Object.fromEntries([...targets, "x"].map(ns => [ns, ["hub"]]));
    expect(await countPodsReferencing(targets, attachable)).toBe(2);
    expect(lists.map(l => l.path)).toEqual(["/api/v1/pods"]);
  });
});

describe("readLivePods", () => {
  it("asks for the Pods that are not terminated and keeps what the stuck-Pod check reads", async () => {
    const full = pod("a", "web", undefined, {
      spec: {
        serviceAccountName: "default",
        containers: [{ image: "ghcr.io/o/app:1", env: [{ name: "TOKEN", value: "x" }] }],
        initContainers: [{ image: "ghcr.io/o/init:1" }],
        imagePullSecrets: [{ name: "own" }],
      },
      status: { containerStatuses: [{ state: { waiting: { reason: "ImagePullBackOff" } } }] },
    });
    const { lists } = setup([full]);
    const [p] = await readLivePods("a");
    expect(lists[0].query).toEqual({
      fieldSelector: "status.phase!=Succeeded,status.phase!=Failed",
    });
    expect(p.spec).toEqual({
      serviceAccountName: "default",
      imagePullSecrets: [{ name: "own" }],
      containers: [{ image: "ghcr.io/o/app:1" }],
      initContainers: [{ image: "ghcr.io/o/init:1" }],
    });
    expect(p.metadata).toMatchObject({ name: "web", namespace: "a", uid: "uid-web" });
    expect(p.status?.containerStatuses).toEqual([
      { state: { waiting: { reason: "ImagePullBackOff" } } },
    ]);
  });
});

describe("deleteStuckPod", () => {
  const m = namespacedManager("m", "a");
  const stuck = { namespace: "a", name: "web", uid: "uid-web" } as StuckPod;

  it("deletes this very Pod (uid precondition)", async () => {
    const { deletes } = setup([]);
    expect(await deleteStuckPod(m, stuck)).toBe(true);
    expect(deletes).toEqual([{ path: "/api/v1/namespaces/a/pods/web", pre: { uid: "uid-web" } }]);
  });

  it.each([
    [404, "NotFound", false],
    [409, "Conflict", false],
    [503, "ServiceUnavailable", true],
  ])("answers false on a %i %s; logs a warning: %p", async (status, reason, warned) => {
    const warn = jest.spyOn(Log, "warn").mockImplementation(() => undefined);
    try {
      setup([]).failDeletes(new ApiError(reason, status, reason));
      expect(await deleteStuckPod(m, stuck)).toBe(false);
      expect(warn.mock.calls.length > 0).toBe(warned);
    } finally {
      warn.mockRestore();
    }
  });
});
