// Cheiron's Prometheus counters (src/metrics.ts), scraped from the running module's https://localhost:3000/metrics
// before and after scenarios on the real control plane. Other suites share the module and its counters, so the
// deltas are lower bounds, exact only where nothing else can move them (Pods are created by no one else).
import { httpsGet } from "../harness/proc";
import {
  apply,
  describeCluster,
  eventually,
  inline,
  k,
  kJson,
  manager,
  moduleWrites,
  names,
  newNamespace,
  uid,
} from "./helpers";
import { metricValue } from "./proofs";

const COUNTERS = {
  secretsWritten: "pepr_cheiron_secrets_written_total",
  attached: "pepr_cheiron_references_attached_total",
  detached: "pepr_cheiron_references_detached_total",
  podsMutated: "pepr_cheiron_pods_mutated_total",
  serviceAccountsMutated: "pepr_cheiron_serviceaccounts_mutated_total",
  conflicts: "pepr_cheiron_conflicts_total",
  reconcileErrors: "pepr_cheiron_reconcile_errors_total",
  reconciles: "pepr_cheiron_reconciles_total",
  reconcileDurationCount: "pepr_cheiron_reconcile_duration_ms_count",
};
type Counts = Record<keyof typeof COUNTERS, number>;

async function scrape(): Promise<{ counts: Counts; body: string }> {
  const r = await httpsGet("https://localhost:3000/metrics", { insecure: true });
  expect(r.status).toBe(200);
  const counts = Object.fromEntries(
    Object.entries(COUNTERS).map(([key, name]) => [key, metricValue(r.body, name)]),
  ) as Counts;
  return { counts, body: r.body };
}

const delta = (before: Counts, after: Counts) =>
  Object.fromEntries(
    Object.keys(before).map(key => [key, after[key as keyof Counts] - before[key as keyof Counts]]),
  ) as Counts;

async function namespaceWithDefaultSA(prefix: string) {
  const ns = await newNamespace(prefix);
  await eventually(() => kJson(["get", "sa", "default", "-n", ns]));
  return ns;
}

const refsOf = async (ns: string) =>
  Object.fromEntries(
    (await kJson(["get", "sa", "-n", ns])).items.map((sa: any) => [
      sa.metadata.name,
      names(sa.imagePullSecrets),
    ]),
  );

describeCluster("metrics: Cheiron's counters on the module's /metrics", () => {
  it("count Secrets written, references attached and detached, ServiceAccounts and Pods mutated", async () => {
    const before = (await scrape()).counts;
    const ns = await namespaceWithDefaultSA("metrics");
    for (const sa of ["builder", "runner"]) await k(["create", "sa", sa, "-n", ns]);
    const [a, b] = [inline("metrics-a", "ghcr.io"), inline("metrics-b", "quay.io")];
    await apply(manager("ImagePullSecretManager", "two", { secrets: [a, b] }), ns);
    const both = ["metrics-a", "metrics-b"];
    await eventually(async () =>
      expect(await refsOf(ns)).toEqual({ default: both, builder: both, runner: both }),
    );
    // Created after the manager: admission attaches the references.
    const late = JSON.parse((await k(["create", "sa", "late", "-n", ns, "-o", "json"])).stdout);
    expect(names(late.imagePullSecrets)).toEqual(both);

    const podNs = await namespaceWithDefaultSA("metrics-pod");
    await apply(
      manager("ImagePullSecretManager", "pods", { mode: "Pod", secrets: [inline("metrics-pod")] }),
      podNs,
    );
    await eventually(() => kJson(["get", "secret", "metrics-pod", "-n", podNs]));
    const pod = (name: string) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name },
        spec: { containers: [{ name: "app", image: "ghcr.io/cheiron-test/app:1" }] },
      });
    // A Pod admitted before the admission view has the manager would not be mutated: retry with a new Pod.
    let mutatedPods = 0;
    await eventually(async () => {
      const created = JSON.parse(
        (await k(["create", "-n", podNs, "-o", "json", "-f", "-"], { input: pod(`p-${uid()}`) }))
          .stdout,
      );
      mutatedPods += names(created.spec.imagePullSecrets).includes("metrics-pod") ? 1 : 0;
      expect(names(created.spec.imagePullSecrets)).toEqual(["metrics-pod"]);
    });

    const { counts: after, body } = await scrape();
    const d = delta(before, after);
    expect(d.secretsWritten).toBeGreaterThanOrEqual(3);
    expect(d.attached).toBeGreaterThanOrEqual(6); // 2 references on default, builder and runner
    expect(d.serviceAccountsMutated).toBeGreaterThanOrEqual(1); // late
    expect(d.podsMutated).toBe(mutatedPods);
    expect(mutatedPods).toBe(1);
    expect(d.reconciles).toBeGreaterThanOrEqual(2);
    expect(d.reconcileDurationCount).toBe(d.reconciles);
    for (const password of [a.password, b.password]) expect(body).not.toContain(password);

    // One entry removed: its Secret is deleted and its reference detached from the 4 ServiceAccounts.
    await apply(manager("ImagePullSecretManager", "two", { secrets: [a] }), ns);
    await eventually(async () =>
      expect(await refsOf(ns)).toEqual({
        default: ["metrics-a"],
        builder: ["metrics-a"],
        runner: ["metrics-a"],
        late: ["metrics-a"],
      }),
    );
    await eventually(async () => {
      const d2 = delta(after, (await scrape()).counts);
      expect(d2.secretsWritten).toBeGreaterThanOrEqual(1);
      expect(d2.detached).toBeGreaterThanOrEqual(4);
    });

    // The manager deleted (deletionPolicy Delete): its cleanup deletes the last Secret and detaches 4 references.
    const beforeDelete = (await scrape()).counts;
    await k(["delete", "ipsm", "two", "-n", ns, "--timeout=60s"]);
    expect(await refsOf(ns)).toEqual({ default: [], builder: [], runner: [], late: [] });
    const d3 = delta(beforeDelete, (await scrape()).counts);
    expect(d3.secretsWritten).toBeGreaterThanOrEqual(1);
    expect(d3.detached).toBeGreaterThanOrEqual(4);
  });

  it("a dry-run manager writes nothing, so it counts no Secret as written", async () => {
    const ns = await namespaceWithDefaultSA("metrics-dry");
    const start = new Date().toISOString();
    const before = (await scrape()).counts;
    await apply(
      manager("ImagePullSecretManager", "dry", {
        dryRun: true,
        secrets: [inline("dry-a"), inline("dry-b")],
      }),
      ns,
    );
    const planned = await eventually(async () => {
      const m = await kJson(["get", "ipsm", "dry", "-n", ns]);
      expect(m.status?.plan?.length).toBeGreaterThanOrEqual(2);
      return m.status.plan as string[];
    });
    expect(planned).toEqual(
      expect.arrayContaining([`create Secret ${ns}/dry-a`, `create Secret ${ns}/dry-b`]),
    );
    // The reconcile counts after it writes status and its Event: wait for both counters to settle.
    await eventually(async () =>
      expect(delta(before, (await scrape()).counts).reconciles).toBeGreaterThanOrEqual(1),
    );
    // Whatever else the module wrote meanwhile is counted at most once per write (once its audit record is in);
    // the dry run adds nothing.
    await eventually(async () => {
      const d = delta(before, (await scrape()).counts);
      const secretWrites = moduleWrites(
        e =>
          e.objectRef?.resource === "secrets" &&
          !e.objectRef.subresource &&
          e.stageTimestamp >= start,
      );
      expect(secretWrites.filter(e => e.objectRef?.namespace === ns)).toEqual([]);
      expect(d.secretsWritten).toBeLessThanOrEqual(secretWrites.length);
    }, 5000);
  });
});
