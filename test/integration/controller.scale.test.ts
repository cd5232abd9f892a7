// Scale through the real apiserver: a cluster manager over 600 namespaces x 3 ServiceAccounts makes exactly the
// minimum writes (600 Secrets + 1,800 ServiceAccount patches) and the module keeps its connections to the
// apiserver within its transport's bound (kubernetes-fluent-client alone would open one per write and keep it 10
// min). Both transports are checked against the same apiserver: HTTP/2 (the default) negotiated with many streams
// on 2 connections, and the HTTP/1.1 pool (CHEIRON_API_HTTP2=false) never past its bound.
import { ApiClient } from "../../src/k8s/client";
import { loadApiConfig } from "../../src/k8s/config";
import { runBounded } from "../../src/controllers/bounded";
import {
  apply,
  describeCluster,
  eventually,
  k,
  kubeconfig,
  manager,
  moduleWrites,
  uid,
} from "./helpers";
import { countConnections, modulePids } from "../harness/sockets";
import { settings } from "../../src/settings";
import { peakOverlap } from "../harness/overlap";
import { micros } from "../harness/audit";

const N = 600;
/** New connections the module may open: its HTTP/2 connections, or its HTTP/1.1 pool's bound. */
const moduleBound = () =>
  settings().apiHttp2 ? settings().apiHttp2Connections : settings().apiMaxConnections;

describeCluster("scale: one pooled client, minimum writes", () => {
  const run = uid();
  const prefix = `scale-${run}`;
  const namespaces = Array.from({ length: N }, (_, i) => `${prefix}-${i}`);
  let admin: ApiClient;

  beforeAll(async () => {
    process.env.KUBECONFIG = kubeconfig();
    admin = new ApiClient(loadApiConfig(), { maxConnections: 16, http2: false });
    await runBounded(
      namespaces.map(name => async () => {
        await admin.create("/api/v1/namespaces", { metadata: { name, labels: { scale: run } } });
        for (const sa of ["builder", "runner"])
          await admin.create(`/api/v1/namespaces/${name}/serviceaccounts`, {
            metadata: { name: sa },
          });
      }),
      16,
    );
    await eventually(async () => {
      const list = await admin.get<{ items: { metadata: { namespace: string } }[] }>(
        "/api/v1/serviceaccounts",
        { fieldSelector: "metadata.name=default" },
      );
      const have = new Set(list.items.map(i => i.metadata.namespace));
      expect(namespaces.filter(n => !have.has(n))).toEqual([]);
    }, 120_000);
  }, 300_000);

  afterAll(async () => {
    await k(["delete", "cipsm", prefix, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
    await runBounded(
      namespaces.map(
        n => () =>
          admin.delete(`/api/v1/namespaces/${n}`).then(
            () => undefined,
            () => undefined,
          ),
      ),
      16,
    );
    admin.close();
  }, 300_000);

  it(`reaches ${N} x 3 ServiceAccounts with exactly the minimum writes, within the connection bound`, async () => {
    const [pid] = modulePids(process.env.CHEIRON_IT_DIR ?? "");
    expect(pid).toBeGreaterThan(0);
    const port = Number(new URL(loadApiConfig().server).port);
    const before = countConnections(pid, port);
    const peak = { n: before };
    const sampler = setInterval(
      () => (peak.n = Math.max(peak.n, countConnections(pid, port))),
      100,
    );
    const t0 = Date.now();
    await apply(
      manager("ClusterImagePullSecretManager", prefix, {
        namespaceSelector: { matchLabels: { scale: run } },
        secrets: [
          { name: "scale-pull", registry: "ghcr.io", username: "u", password: `pw-${run}` },
        ],
      }),
    );
    try {
      await eventually(
        async () => {
          const list = await admin.get<{
            items: { metadata: { namespace: string }; imagePullSecrets?: { name: string }[] }[];
          }>("/api/v1/serviceaccounts");
          const ours = list.items.filter(i => i.metadata.namespace.startsWith(`${prefix}-`));
          expect(ours).toHaveLength(3 * N);
          expect(
            ours.filter(i => !(i.imagePullSecrets ?? []).some(r => r.name === "scale-pull")),
          ).toHaveLength(0);
          const cm = await admin.get<{
            status?: { conditions?: { type: string; status: string }[] };
          }>(`/apis/cheiron.anny.co/v1alpha1/clusterimagepullsecretmanagers/${prefix}`);
          expect(cm.status?.conditions?.find(c => c.type === "Ready")?.status).toBe("True");
        },
        180_000,
        500,
      );
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - t0) / 1000;
    const writes = moduleWrites(e => (e.objectRef?.namespace ?? "").startsWith(`${prefix}-`));
    const by = (r: string) => writes.filter(e => e.objectRef?.resource === r).length;
    console.log(
      `[scale] ${N} namespaces x 3 ServiceAccounts in ${seconds.toFixed(1)} s; writes: ${by("secrets")} Secrets, ` +
        `${by("serviceaccounts")} ServiceAccounts; module connections to the apiserver: ${before} before, peak ${peak.n}`,
    );
    expect(by("secrets")).toBe(N);
    expect(by("serviceaccounts")).toBe(3 * N);
    // Each ServiceAccount write calls the webhooks: never more at once than CHEIRON_ADMITTED_WRITES (at the
    // apiserver a request is open from its receipt to its response, so it was open at least as long here).
    const saInFlight = peakOverlap(
      writes
        .filter(e => e.objectRef?.resource === "serviceaccounts")
        .map(e => [micros(e.requestReceivedTimestamp), micros(e.stageTimestamp)] as const),
    );
    console.log(`[scale] ServiceAccount writes in flight at the apiserver: at most ${saInFlight}`);
    expect(saInFlight).toBeGreaterThan(1);
    expect(saInFlight).toBeLessThanOrEqual(settings().admittedWrites);
    expect(writes.filter(e => (e.responseStatus?.code ?? 200) >= 300)).toEqual([]);
    // The transport never grows past its bound, whatever the number of writes; watches hold one socket each.
    expect(peak.n - before).toBeLessThanOrEqual(moduleBound());
    expect(peak.n).toBeLessThan(32);
  }, 400_000);

  it("HTTP/1.1 (CHEIRON_API_HTTP2=false): 600 reads in flight never open more than the pool's 12 connections", async () => {
    const port = Number(new URL(loadApiConfig().server).port);
    const before = countConnections(process.pid, port);
    const h1 = new ApiClient(loadApiConfig(), { http2: false, maxConnections: 12 });
    const peak = { n: 0 };
    const sampler = setInterval(
      () => (peak.n = Math.max(peak.n, countConnections(process.pid, port) - before)),
      20,
    );
    try {
      const reads = await Promise.all(
        namespaces.map(n => h1.get<{ metadata: { name: string } }>(`/api/v1/namespaces/${n}`)),
      );
      expect(reads.map(r => r.metadata.name)).toEqual(namespaces);
      expect(await h1.protocol()).toBe("http/1.1");
      peak.n = Math.max(peak.n, countConnections(process.pid, port) - before);
      expect(peak.n).toBeGreaterThan(1); // many in flight used the pool...
      expect(peak.n).toBeLessThanOrEqual(12); // ...never past its bound
    } finally {
      clearInterval(sampler);
      h1.close();
    }
  }, 60_000);

  it("HTTP/2 (the default): negotiated with the apiserver, 600 reads in flight over 2 connections", async () => {
    const port = Number(new URL(loadApiConfig().server).port);
    const before = countConnections(process.pid, port);
    const h2 = new ApiClient(loadApiConfig(), { http2: true, http2Connections: 2 });
    try {
      const reads = await Promise.all(
        namespaces.map(n => h2.get<{ metadata: { name: string } }>(`/api/v1/namespaces/${n}`)),
      );
      expect(reads.map(r => r.metadata.name)).toEqual(namespaces);
      expect(await h2.protocol()).toBe("h2");
      expect(countConnections(process.pid, port) - before).toBeLessThanOrEqual(2);
    } finally {
      h2.close();
    }
  }, 60_000);
});
