// The baseline of the new-namespace figure: the same namespaces created one at a time, but not selected by the
// manager, so Cheiron has nothing to do there. What remains is the cluster's own time for a namespace's
// `default` ServiceAccount (kube-controller-manager reacts to the namespace, the apiserver admits its create,
// Cheiron's webhook included): the part of the figure that no module can make shorter.
import { percentile } from "./load";
import { createNamespace, names } from "./scale-cluster";
import { diffSlow, readAdmissionSlow } from "./scale-metrics";
import type { Ctx } from "./scale-phases";

export async function baselineNamespaces(ctx: Ctx, n: number, count = 50) {
  const { view, audit } = ctx;
  const list = names(`c${n}base`, count);
  const before = await readAdmissionSlow(ctx.api);
  const t0 = Date.now();
  for (const ns of list) {
    await createNamespace(ctx.api, ns, "floor", false);
    await view.until(`default ServiceAccount in ${ns}`, 60_000, () =>
      view.hasServiceAccount(ns, "default"),
    );
  }
  await audit.waitQuiet(t0, 1000, 30_000, true);
  const slowAdmissions = diffSlow(before, await readAdmissionSlow(ctx.api));
  const latencies: number[] = [];
  for (const ns of list) {
    const created = audit.namespaceCreates.get(ns)?.done;
    const sa = audit.saCreates.get(`${ns}/default`)?.done;
    if (created !== undefined && sa !== undefined) latencies.push(sa - created);
  }
  const result = {
    count,
    measured: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    slowAdmissions,
  };
  console.log(
    `[scale] N=${n} baseline (namespaces not selected: namespace create -> default ServiceAccount created):` +
      ` p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms over ${latencies.length}/${count};` +
      ` creates held > 25 ms by NamespaceLifecycle: ${slowAdmissions.namespaceLifecycle}`,
  );
  return result;
}

export type Baseline = Awaited<ReturnType<typeof baselineNamespaces>>;
