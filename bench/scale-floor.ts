// The floor the fan-out is compared with: the same writes from a minimal client over keep-alive connections,
// on the same control plane and N, in namespaces the manager does not select.
import { performance } from "node:perf_hooks";
import { formatCpu, waitSettled } from "./scale-cpu";
import { readWebhookCalls } from "./scale-metrics";
import { createSet, EXTRA_SAS } from "./scale-cluster";
import { Api, bounded } from "./scale-kube";
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
  seconds: number;
  cpu: Record<string, number>;
  webhookCalls: number;
  speed: SpeedProbes;
}

/**
 * One floor run: a Secret `name` in each namespace of `list` and 3 JSON merge patches of imagePullSecrets, with
 * the admin token over keep-alive connections at concurrency `c`. Runs again on the same namespaces with
 * another name make the same writes.
 */
export async function runFloor(ctx: Ctx, list: string[], c: number, name: string) {
  ctx.sampler.phase = "floor";
  const speedBefore = await probeSpeed();
  const api = new Api(ctx.server, ctx.adminToken, ctx.api.ca, c);
  const items = list.flatMap(ns => [
    { ns, sa: "" },
    ...["default", ...EXTRA_SAS].map(sa => ({ ns, sa })),
  ]);
  const secret = (ns: string) => ({
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/dockerconfigjson",
    metadata: { name, namespace: ns },
    data: { ".dockerconfigjson": dockerConfig },
  });
  const patch = { imagePullSecrets: [{ name }] };
  const calls0 = await readWebhookCalls(ctx.api);
  const cpu0 = ctx.cpu.read();
  const t0 = performance.now();
  await bounded(items, c, async ({ ns, sa }) => {
    if (!sa) await api.must("POST", `/api/v1/namespaces/${ns}/secrets`, secret(ns), [201]);
    else
      await api.must(
        "PATCH",
        `/api/v1/namespaces/${ns}/serviceaccounts/${sa}`,
        patch,
        [200],
        "application/merge-patch+json",
      );
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = ctx.cpu.since(cpu0);
  const webhookCalls = (await readWebhookCalls(ctx.api)) - calls0;
  api.close();
  const run: FloorRun = {
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

/** The floor at each concurrency on a fresh set of N namespaces; the set is returned for later runs. */
export async function floor(ctx: Ctx, n: number, concurrencies: number[]) {
  const list = await createFloorSet(ctx, n);
  const runs: (readonly [string, FloorRun])[] = [];
  for (const c of concurrencies)
    runs.push([`c${c}`, await runFloor(ctx, list, c, `floor-c${c}`)] as const);
  const by = <T>(pick: (r: FloorRun) => T) =>
    Object.fromEntries(runs.map(([k, r]) => [k, pick(r)])) as Record<string, T>;
  return {
    list,
    times: by(r => r.seconds),
    cpu: by(r => r.cpu),
    webhookCalls: by(r => r.webhookCalls),
    speed: by(r => r.speed),
  };
}
