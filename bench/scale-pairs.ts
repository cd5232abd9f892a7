// Repeated pairs: the fan-out again, right next to the pure floor (no webhook configured) at concurrency 32. This machine changes
// speed by tens of percent within minutes, and the first fan-out and the first floor run are minutes apart
// (new namespaces, the floor's setup, the floor at concurrency 8 lie between them). Each further pair deletes the
// manager (Cheiron cleans up its Secrets and references), waits for the cleanup and for quiet, applies the
// manager again (the same N Secrets and 3N ServiceAccount writes: the same fan-out), and runs the floor once
// more on its namespaces, seconds later. The median of the pairs' ratios says what one pair cannot.
import { deleteAndWait, deleteManager, names } from "./scale-cluster";
import { waitSettled } from "./scale-cpu";
import { runFloor, withoutWebhooks } from "./scale-floor";
import { Ctx, fanOut } from "./scale-phases";
import type { SpeedProbes } from "./scale-speed";

export interface Pair {
  fanOutSeconds: number;
  floorSeconds: number;
  /** Calls of Cheiron's webhooks during the pair's (pure) floor run: 0 unless the webhooks were not removed. */
  floorWebhookCalls?: number;
  ratio: number;
  writes: number;
  minimum: number;
  fanOutCpu: Record<string, number>;
  floorCpu: Record<string, number>;
  fanOutSpeed: SpeedProbes;
  floorSpeed: SpeedProbes;
}

/**
 * `count` more pairs over the `c<N>-*` namespaces and the floor's `list`. The new-namespace phase's
 * namespaces (`c<N>new-*`, selected too) are deleted first, so that each fan-out covers exactly N.
 */
export async function repeatPairs(
  ctx: Ctx,
  n: number,
  floorList: string[],
  count: number,
  newNamespaces: number,
  timeoutMs: number,
): Promise<Pair[]> {
  const prefix = `c${n}`;
  const added = names(`${prefix}new`, newNamespaces).map(ns => `/api/v1/namespaces/${ns}`);
  await deleteAndWait(ctx.api, added, 300_000);
  const pairs: Pair[] = [];
  for (let k = 1; k <= count; k++) {
    ctx.sampler.phase = "pairs";
    await deleteManager(ctx.api, timeoutMs);
    await ctx.view.until(`the cleanup of ${prefix}-*`, timeoutMs, () => {
      return ctx.view.refCount.get(prefix) === 0 && ctx.view.secretCount.get(prefix) === 0;
    });
    await waitSettled(ctx.cpu, `the cleanup (pair ${k + 1})`);
    const fan = await fanOut(ctx, n, timeoutMs);
    if (!fan.converged) throw new Error(`the fan-out of pair ${k + 1} did not converge`);
    const fl = await withoutWebhooks(ctx, floorList[0], () =>
      runFloor(ctx, floorList, 32, `pure-c32-pair${k + 1}`),
    );
    const pair: Pair = {
      fanOutSeconds: fan.seconds,
      floorSeconds: fl.seconds,
      floorWebhookCalls: fl.webhookCalls,
      ratio: fan.seconds / fl.seconds,
      writes: fan.writes.work,
      minimum: fan.minimum,
      fanOutCpu: fan.cpu,
      floorCpu: fl.cpu,
      fanOutSpeed: fan.speed,
      floorSpeed: fl.speed,
    };
    pairs.push(pair);
    console.log(
      `[scale] N=${n} pair ${k + 1}: fan-out ${fan.seconds.toFixed(2)} s, pure floor c32 ${fl.seconds.toFixed(2)} s,` +
        ` ${pair.ratio.toFixed(2)} x`,
    );
  }
  return pairs;
}

/** The median of the ratios: the first pair's (fan-out over the floor's best) and the further pairs'. */
export function medianRatio(first: number, pairs: readonly Pick<Pair, "ratio">[]): number {
  const all = [first, ...pairs.map(p => p.ratio)].sort((a, b) => a - b);
  const mid = Math.floor(all.length / 2);
  return all.length % 2 ? all[mid] : (all[mid - 1] + all[mid]) / 2;
}
