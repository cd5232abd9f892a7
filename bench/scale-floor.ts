// The floor the fan-out is compared with: the same writes from a minimal client over keep-alive connections,
// on the same control plane and N, in namespaces the manager does not select. Twice: with the module's webhooks
// registered (each ServiceAccount patch calls Cheiron's admission), and the pure floor with no webhook configured
// (the module's webhook configurations removed for that run, then restored as they were): what a cluster without
// Cheiron could reach, the floor the target uses (issue 26 #2).
import { performance } from "node:perf_hooks";
import { formatCpu, waitSettled } from "./scale-cpu";
import { readWebhookCalls } from "./scale-metrics";
import { createSet, EXTRA_SAS } from "./scale-cluster";
import { buildFloorItems } from "./scale-plan";
import { Api, bounded } from "./scale-kube";
import { buildRestoredObject, HOOK_CONFIGS } from "./scale-hooks";
import type { Ctx } from "./scale-phases";
import { probeAfter, probeSpeed, SpeedProbes } from "./scale-speed";

const dockerConfig = Buffer.from(
  JSON.stringify({
    auths: {
      "ghcr.io": {
        username: "bench-user",
        password: "bench-token-not-real",
        auth: "YmVuY2gtdXNlcjpiZW5jaC10b2tlbi1ub3QtcmVhbA==",
      },
    },
  }),
).toString("base64");

/** The floor's namespaces: N fresh ones the manager does not select, 3 ServiceAccounts each. */
export async function createFloorSet(ctx: Ctx, n: number): Promise<string[]> {
  ctx.sampler.phase = "floor-setup";
  const list = await createSet(ctx.api, ctx.view, `f${n}`, "floor", n);
  await waitSettled(ctx.cpu, "them"); // as before the fan-out
  return list;
}

export interface FloorRun {
  writes: number;
  seconds: number;
  cpu: Record<string, number>;
  webhookCalls: number;
  speed: SpeedProbes;
}

/**
 * One floor run: a Secret `name` in each namespace of `list` and 3 JSON merge patches of imagePullSecrets, with
 * the admin token over keep-alive connections at concurrency `c`. Runs again on the same namespaces with
 * another name make the same writes. `secretsOf`: several Secrets per namespace instead (the many-managers
 * phase), each ServiceAccount patched once with all of them.
 */
export async function runFloor(
  ctx: Ctx,
  list: string[],
  c: number,
  name: string,
  secretsOf: (ns: string) => string[] = () => [name],
) {
  ctx.sampler.phase = "floor";
  const speedBefore = await probeSpeed();
  const api = new Api(ctx.server, ctx.adminToken, ctx.api.ca, c);
  const items = buildFloorItems(list, secretsOf, ["default", ...EXTRA_SAS]);
  const secret = (ns: string, name: string) => ({
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/dockerconfigjson",
    metadata: { name, namespace: ns },
    data: { ".dockerconfigjson": dockerConfig },
  });
  const patch = (ns: string) => ({ imagePullSecrets: secretsOf(ns).map(s => ({ name: s })) });
  const calls0 = await readWebhookCalls(ctx.api);
  const cpu0 = ctx.cpu.read();
  const t0 = performance.now();
  await bounded(items, c, async ({ ns, secret: s, sa }) => {
    if (!sa) await api.must("POST", `/api/v1/namespaces/${ns}/secrets`, secret(ns, s), [201]);
    else
      await api.must(
        "PATCH",
        `/api/v1/namespaces/${ns}/serviceaccounts/${sa}`,
        patch(ns),
        [200],
        "application/merge-patch+json",
      );
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = ctx.cpu.since(cpu0);
  const webhookCalls = (await readWebhookCalls(ctx.api)) - calls0;
  api.close();
  const run: FloorRun = {
    writes: items.length,
    seconds,
    cpu,
    webhookCalls,
    speed: { before: speedBefore, after: await probeAfter(ctx.cpu) },
  };
  console.log(
    `[scale] N=${list.length} floor at concurrency ${c} (${name}): ${seconds.toFixed(2)} s for ${items.length}` +
      ` writes; CPU seconds: ${formatCpu(cpu)}; webhook calls ${webhookCalls};` +
      ` speed probe ${run.speed.before} ms before, ${run.speed.after} ms after`,
  );
  return run;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Waits until the apiserver calls Cheiron's webhooks (`active`) or no longer does, by server dry-run creates. */
async function untilWebhooks(ctx: Ctx, ns: string, active: boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    const before = await readWebhookCalls(ctx.api);
    const sa = { metadata: { name: `webhook-probe-${i}` } };
    await ctx.api.must("POST", `/api/v1/namespaces/${ns}/serviceaccounts?dryRun=All`, sa, [201]);
    if ((await readWebhookCalls(ctx.api)) > before === active) return;
    if (Date.now() > deadline)
      throw new Error(
        `the apiserver still ${active ? "does not call" : "calls"} Cheiron's webhooks`,
      );
    await sleep(200);
  }
}

/**
 * Runs `fn` with no webhook of the module configured: its two webhook configurations are read, deleted, and
 * created again as they were afterwards (the watcher's own-writes condition included); each change is waited for
 * until the apiserver's calls show it. `ns`: a namespace to probe in.
 */
export async function withoutWebhooks<T>(ctx: Ctx, ns: string, fn: () => Promise<T>): Promise<T> {
  const saved: { path: string; object: unknown }[] = [];
  for (const h of HOOK_CONFIGS) {
    const r = await ctx.api.call("GET", h.path, undefined);
    if (r.status === 200) saved.push({ path: h.path, object: r.body });
  }
  for (const h of saved) await ctx.api.must("DELETE", h.path, undefined, [200]);
  await untilWebhooks(ctx, ns, false);
  try {
    return await fn();
  } finally {
    for (const h of saved) {
      const collection = h.path.slice(0, h.path.lastIndexOf("/"));
      await ctx.api.must("POST", collection, buildRestoredObject(h.object), [201]);
    }
    await untilWebhooks(ctx, ns, true);
  }
}

/** The floor at each concurrency on a fresh set of N namespaces; the set is returned for later runs. */
export async function floor(ctx: Ctx, n: number, concurrencies: number[]) {
  const list = await createFloorSet(ctx, n);
  const runs: (readonly [string, FloorRun])[] = [];
  for (const c of concurrencies)
    runs.push([`c${c}`, await runFloor(ctx, list, c, `floor-c${c}`)] as const);
  const pure = await withoutWebhooks(ctx, list[0], async () => {
    const out: (readonly [string, FloorRun])[] = [];
    for (const c of concurrencies)
      out.push([`c${c}`, await runFloor(ctx, list, c, `pure-c${c}`)] as const);
    return out;
  });
  const by = <T>(of: (readonly [string, FloorRun])[], pick: (r: FloorRun) => T) =>
    Object.fromEntries(of.map(([k, r]) => [k, pick(r)])) as Record<string, T>;
  const summary = (of: (readonly [string, FloorRun])[]) => ({
    times: by(of, r => r.seconds),
    cpu: by(of, r => r.cpu),
    webhookCalls: by(of, r => r.webhookCalls),
    speed: by(of, r => r.speed),
  });
  return { list, ...summary(runs), pure: summary(pure) };
}
