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

/**
 * The floor: N Secrets and 3N ServiceAccount patches (JSON merge patch of imagePullSecrets) with the admin
 * token over keep-alive connections, at each concurrency, in namespaces the manager does not select.
 */
export async function floor(ctx: Ctx, n: number, concurrencies: number[]) {
  ctx.sampler.phase = "floor-setup";
  const list = await createSet(ctx.api, ctx.view, `f${n}`, "floor", n);
  await waitSettled(ctx.cpu, "them"); // as before the fan-out
  ctx.sampler.phase = "floor";
  const out: Record<string, number> = {};
  const cpu: Record<string, Record<string, number>> = {};
  const calls: Record<string, number> = {};
  const speed: Record<string, SpeedProbes> = {};
  for (const c of concurrencies) {
    const speedBefore = await probeSpeed();
    const api = new Api(ctx.server, ctx.adminToken, ctx.api.ca, c);
    const name = `floor-c${c}`;
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
    out[`c${c}`] = (performance.now() - t0) / 1000;
    cpu[`c${c}`] = ctx.cpu.since(cpu0);
    const webhookCalls = (await readWebhookCalls(ctx.api)) - calls0;
    api.close();
    speed[`c${c}`] = { before: speedBefore, after: await probeAfter(ctx.cpu) };
    console.log(
      `[scale] N=${n} floor at concurrency ${c}: ${out[`c${c}`].toFixed(2)} s for ${items.length} writes;` +
        ` CPU seconds: ${formatCpu(cpu[`c${c}`])}; webhook calls ${webhookCalls};` +
        ` speed probe ${speedBefore} ms before, ${speed[`c${c}`].after} ms after`,
    );
    calls[`c${c}`] = webhookCalls;
  }
  return { times: out, cpu, webhookCalls: calls, speed };
}
