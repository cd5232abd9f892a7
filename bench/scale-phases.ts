// The measured phases of one N: fan-out of a new manager, new namespaces one by one, the floor (the same
// writes made by a minimal client), and idle.
import type { Baseline } from "./scale-baseline";
import { CpuMeter, formatCpu } from "./scale-cpu";
import { probeAfter, probeSpeed, SpeedProbes } from "./scale-speed";
import { diffSlow, readAdmissionSlow, readWebhookCalls } from "./scale-metrics";
import { sleep } from "../test/harness/proc";
import { peakOverlap } from "../test/harness/overlap";
import { percentile } from "./load";
import { WRITE_VERBS } from "../test/harness/audit";
import { AuditTail, classifyWrites, countRequests } from "./scale-audit";
import { applyManager, createNamespace, names, secs } from "./scale-cluster";
import type { Api } from "./scale-kube";
import type { Sampler } from "./scale-modules";
import type { View } from "./scale-view";

export interface Ctx {
  api: Api;
  server: string;
  adminToken: string;
  view: View;
  audit: AuditTail;
  sampler: Sampler;
  cpu: CpuMeter;
}

export const CHEIRON_SET = "cheiron";

export async function fanOut(ctx: Ctx, n: number, timeoutMs: number) {
  const prefix = `c${n}`;
  const { view, audit } = ctx;
  const speedBefore = await probeSpeed();
  ctx.sampler.phase = `fanout`;
  const calls0 = await readWebhookCalls(ctx.api);
  const mutating0 = await readWebhookCalls(ctx.api, "admit");
  const cpu0 = ctx.cpu.read();
  const t0 = Date.now();
  await applyManager(ctx.api, CHEIRON_SET);
  const done = () =>
    view.refCount.get(prefix) >= 3 * n && view.secretCount.get(prefix) >= n && view.isReady();
  const converged = await view.until(`fan-out over ${prefix}-*`, timeoutMs, done).then(
    () => true,
    (e: Error) => (console.error(`[scale] ${e.message}`), false),
  );
  const lastWrite = Math.max(
    view.refCount.lastGrowth.get(prefix) ?? t0,
    view.secretCount.lastGrowth.get(prefix) ?? t0,
  );
  const end = Math.max(lastWrite, view.readyAt ?? t0);
  /** From the last ServiceAccount or Secret seen done to status Ready (the status flush's share of the time). */
  const readyAfterLastWriteMs = view.readyAt === undefined ? NaN : view.readyAt - lastWrite;
  const cpu = ctx.cpu.since(cpu0);
  const after = ctx.sampler.sample();
  const quietAt = await audit.waitQuiet(t0, 3000, 60_000, true);
  const calls = audit.moduleCalls(t0, quietAt + 1);
  const writes = classifyWrites(calls);
  /** The module's ServiceAccount writes open at the apiserver at once, at the most (each calls the webhook). */
  const serviceAccountWritesInFlight = peakOverlap(
    calls
      .filter(e => e.resource === "serviceaccounts" && WRITE_VERBS.includes(e.verb))
      .map(e => [e.received, e.done] as const),
  );
  const webhookCalls = (await readWebhookCalls(ctx.api)) - calls0;
  const mutatingWebhookCalls = (await readWebhookCalls(ctx.api, "admit")) - mutating0;
  const speed: SpeedProbes = { before: speedBefore, after: await probeAfter(ctx.cpu) };
  const result = {
    converged,
    seconds: converged ? (end - t0) / 1000 : NaN,
    readyAfterLastWriteMs,
    minimum: 4 * n,
    writes,
    progress: {
      serviceAccountsReferencing: view.refCount.get(prefix),
      secrets: view.secretCount.get(prefix),
      ready: view.isReady(),
    },
    afterFanOut: after,
    cpu,
    /** Calls of Cheiron's webhooks by the apiserver (the validating one's for the manager included). */
    webhookCalls,
    /** Calls of its mutating webhook: the module's own ServiceAccount patches skip it (issue 26), so 0. */
    mutatingWebhookCalls,
    serviceAccountWritesInFlight,
    /** The machine's speed right before and after (bench/scale-speed.ts). */
    speed,
  };
  console.log(`[scale] N=${n} fan-out CPU seconds: ${formatCpu(cpu)}`);
  console.log(
    `[scale] N=${n} fan-out: ${converged ? `${result.seconds.toFixed(2)} s` : "NOT converged"},` +
      ` ${writes.work} writes to Secrets and ServiceAccounts (minimum ${4 * n}),` +
      ` ${writes.events} events, ${writes.status} status, ${writes.other} other;` +
      ` Ready ${readyAfterLastWriteMs.toFixed(0)} ms after the last write was seen; webhook calls ${webhookCalls} (mutating ${mutatingWebhookCalls}),` +
      ` ServiceAccount writes in flight at most ${serviceAccountWritesInFlight};` +
      ` speed probe ${speed.before} ms before, ${speed.after} ms after`,
  );
  return result;
}

export type FanOut = Awaited<ReturnType<typeof fanOut>>;

/** p99 of each named field over the samples, as `<field without Ms>P99Ms`. */
function p99Of<T, K extends keyof T & `${string}Ms`>(rows: T[], keys: readonly K[]) {
  const out = {} as Record<K extends `${infer B}Ms` ? `${B}P99Ms` : never, number>;
  for (const k of keys) {
    const name = `${k.slice(0, -2)}P99Ms` as keyof typeof out;
    out[name] = percentile(
      rows.map(r => Number(r[k])),
      99,
    );
  }
  return out;
}

/** COUNT namespaces created one at a time under the manager; latency and writes from the audit log. */
export async function newNamespaces(ctx: Ctx, n: number, count = 50) {
  const { view, audit } = ctx;
  ctx.sampler.phase = "new-namespace";
  const list = names(`c${n}new`, count);
  const before = await readAdmissionSlow(ctx.api);
  const t0 = Date.now();
  let unconverged = 0;
  for (const ns of list) {
    await createNamespace(ctx.api, ns, CHEIRON_SET, false);
    const ok = () => view.hasSecret(ns) && view.hasRef(ns, "default");
    await view.until(`Secret and reference in ${ns}`, 60_000, ok).catch(() => unconverged++);
  }
  const quietAt = await audit.waitQuiet(t0, 2000, 30_000, true);
  const slowAdmissions = diffSlow(before, await readAdmissionSlow(ctx.api));
  const calls = audit.moduleCalls(t0, quietAt + 1);
  const work = (e: (typeof calls)[number]) =>
    WRITE_VERBS.includes(e.verb) &&
    !e.subresource &&
    ["secrets", "serviceaccounts"].includes(e.resource);
  const latencies: number[] = [];
  // Each sample split in two: namespace create -> Secret create (the watcher), and -> the default
  // ServiceAccount created with the reference (kube-controller-manager, then the admission webhook).
  // The Secret's part split again: the module's reaction (namespace created -> its create received) and the
  // apiserver's own time for that create; the ServiceAccount's apiserver time includes the webhook call.
  const split: {
    ns: string;
    secretMs: number;
    serviceAccountMs: number;
    moduleReactionMs: number;
    secretApiserverMs: number;
    serviceAccountApiserverMs: number;
  }[] = [];
  const writesPer: number[] = [];
  let viaAdmission = 0;
  for (const ns of list) {
    const mine = calls.filter(e => e.namespace === ns && work(e));
    writesPer.push(mine.length);
    const created = audit.namespaceCreates.get(ns)?.done;
    const secretCreate = mine.find(
      e => e.resource === "secrets" && e.verb === "create" && e.code < 300,
    );
    const secret = secretCreate?.done;
    const saWrites = mine.filter(
      e => e.resource === "serviceaccounts" && e.name === "default" && e.code < 300,
    );
    const saCreate = audit.saCreates.get(`${ns}/default`);
    let sa = saWrites.at(-1)?.done;
    if (sa === undefined && saCreate?.mutated) {
      sa = saCreate.done;
      viaAdmission++;
    }
    if (created !== undefined && secret !== undefined && sa !== undefined) {
      latencies.push(Math.max(secret, sa) - created);
      split.push({
        ...{ ns, secretMs: secret - created, serviceAccountMs: sa - created },
        moduleReactionMs: secretCreate!.received - created,
        secretApiserverMs: secret - secretCreate!.received,
        serviceAccountApiserverMs: saCreate ? saCreate.done - saCreate.received : NaN,
      });
    }
  }
  const result = {
    count,
    measured: latencies.length,
    unconverged,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
    referencedAtAdmission: viaAdmission,
    ...p99Of(split, [
      "secretMs",
      "serviceAccountMs",
      "moduleReactionMs",
      "secretApiserverMs",
      "serviceAccountApiserverMs",
    ] as const),
    slowAdmissions,
    /** Set by bench/scale.ts: the same measure where Cheiron has nothing to do. */
    baseline: undefined as Baseline | undefined,
    samples: split,
    writesPerNamespace: {
      min: Math.min(...writesPer),
      max: Math.max(...writesPer),
      total: writesPer.reduce((a, b) => a + b, 0),
    },
    otherWrites: classifyWrites(calls.filter(e => !list.includes(e.namespace))),
  };
  console.log(
    `[scale] N=${n} new namespace: p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms` +
      ` over ${latencies.length}/${count} (Secret p99 ${result.secretP99Ms.toFixed(1)} ms,` +
      ` default ServiceAccount p99 ${result.serviceAccountP99Ms.toFixed(1)} ms; module reaction p99` +
      ` ${result.moduleReactionP99Ms.toFixed(1)} ms, apiserver time of the Secret create p99` +
      ` ${result.secretApiserverP99Ms.toFixed(1)} ms, of the ServiceAccount create p99` +
      ` ${result.serviceAccountApiserverP99Ms.toFixed(1)} ms); writes per namespace ${result.writesPerNamespace.min}..${result.writesPerNamespace.max};` +
      ` creates held > 25 ms by NamespaceLifecycle: ${slowAdmissions.namespaceLifecycle}, Cheiron webhook calls > 25 ms: ${slowAdmissions.cheironWebhook}`,
  );
  return result;
}

export type NewNamespaces = Awaited<ReturnType<typeof newNamespaces>>;

/** Module requests (watches excluded) while nothing changes for seconds. */
export async function idle(ctx: Ctx, seconds: number) {
  ctx.sampler.phase = "idle";
  const t = Date.now();
  await ctx.audit.waitQuiet(t, 5000, 120_000);
  console.log(`[scale] idle for ${seconds} s (quiet after ${secs(t)} s)`);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const t1 = Date.now();
  await sleep(1000);
  const counted = countRequests(ctx.audit.moduleCalls(t0, t1).filter(e => e.verb !== "watch"));
  console.log(
    `[scale] idle: ${counted.writes} writes, ${counted.reads} reads ${JSON.stringify(counted.what)}`,
  );
  return { seconds, ...counted };
}
