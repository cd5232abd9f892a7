// Many managers (issue 26 #5), over the N namespaces `c<N>-*` of the main phase once its manager is gone:
// (a) 5 ClusterImagePullSecretManagers with different registries, applied together: 5N Secrets and between 3N
// (every namespace's names merged into one patch per ServiceAccount) and 15N ServiceAccount patches;
// (b) after (a)'s managers are deleted and cleaned up, the same 5 and 100 ImagePullSecretManagers, one in each of
// the first 100 namespaces, applied together. Each is timed against the pure floor (no webhook configured) making
// the same Secret creates and the least ServiceAccount patches on the floor's namespaces, at concurrency 32.
import {
  applyObject,
  deleteAndWait,
  deleteManager,
  names,
  SET_LABEL,
  SETUP_CONCURRENCY,
} from "./scale-cluster";
import { formatCpu, waitSettled } from "./scale-cpu";
import { classifyWrites } from "./scale-audit";
import { bounded } from "./scale-kube";
import { FloorRun, runFloor, withoutWebhooks } from "./scale-floor";
import { ManyView } from "./scale-many-view";
import {
  buildManyManagers,
  expectedSecrets,
  MANY_CLUSTER,
  MANY_NAMESPACED,
  manyBounds,
  mergedPatches,
} from "./scale-plan";
import { CHEIRON_SET, Ctx } from "./scale-phases";

export interface ManyRun {
  label: string;
  clusterManagers: number;
  namespacedManagers: number;
  converged: boolean;
  seconds: number;
  secrets: number;
  expectedSecrets: number;
  serviceAccountPatches: number;
  leastPatches: number;
  mostPatches: number;
  /** Patches the per-namespace work merged: mostPatches - serviceAccountPatches. */
  merged: number;
  failed: number;
  events: number;
  status: number;
  other: number;
  cpu: Record<string, number>;
  floor: FloorRun;
}

async function one(
  ctx: Ctx,
  mv: ManyView,
  n: number,
  list: string[],
  floorList: string[],
  namespaced: number,
  timeoutMs: number,
): Promise<ManyRun> {
  const label = namespaced
    ? `${MANY_CLUSTER} cluster + ${namespaced} namespaced`
    : `${MANY_CLUSTER} cluster`;
  const { cluster, own } = buildManyManagers(
    { [SET_LABEL]: CHEIRON_SET },
    list,
    MANY_CLUSTER,
    namespaced,
  );
  mv.expect(expectedSecrets(MANY_CLUSTER, new Set(list.slice(0, namespaced))));
  const bounds = manyBounds(n, MANY_CLUSTER, namespaced);
  await waitSettled(ctx.cpu, `the set-up of ${label}`);
  ctx.sampler.phase = namespaced ? "many-namespaced" : "many-cluster";
  const cpu0 = ctx.cpu.read();
  const t0 = Date.now();
  await bounded([...cluster, ...own], SETUP_CONCURRENCY, o => applyObject(ctx.api, o));
  const done = () =>
    mv.complete >= 3 * n &&
    mv.secretCount >= bounds.secrets &&
    mv.readyCount >= cluster.length + own.length;
  const converged = await ctx.view.until(`${label} managers over c${n}-*`, timeoutMs, done).then(
    () => true,
    (e: Error) => (console.error(`[scale] ${e.message}`), false),
  );
  const seconds = converged ? (mv.lastChange - t0) / 1000 : NaN;
  const cpu = ctx.cpu.since(cpu0);
  const quietAt = await ctx.audit.waitQuiet(t0, 3000, 120_000, true);
  const w = classifyWrites(ctx.audit.moduleCalls(t0, quietAt + 1));
  const tag = namespaced ? "many-b" : "many-a";
  const ownFloor = new Set(floorList.slice(0, namespaced));
  const secretsOf = (ns: string) => [
    ...Array.from({ length: MANY_CLUSTER }, (_, i) => `${tag}-${i}`),
    ...(ownFloor.has(ns) ? [`${tag}-own`] : []),
  ];
  await waitSettled(ctx.cpu, label);
  const floor = await withoutWebhooks(ctx, floorList[0], () =>
    runFloor(ctx, floorList, 32, tag, secretsOf),
  );
  const run: ManyRun = {
    ...{
      label,
      clusterManagers: cluster.length,
      namespacedManagers: own.length,
      converged,
      seconds,
    },
    ...{
      secrets: w.secrets,
      expectedSecrets: bounds.secrets,
      serviceAccountPatches: w.serviceAccounts,
    },
    ...{ leastPatches: bounds.leastPatches, mostPatches: bounds.mostPatches },
    merged: mergedPatches(bounds.mostPatches, w.serviceAccounts),
    ...{ failed: w.failed, events: w.events, status: w.status, other: w.other, cpu, floor },
  };
  console.log(`[scale] N=${n} ${label} managers CPU seconds: ${formatCpu(cpu)}`);
  console.log(
    `[scale] N=${n} ${label} managers: ${converged ? `${seconds.toFixed(2)} s` : "NOT converged"},` +
      ` ${w.secrets} Secret writes (expected ${bounds.secrets}), ${w.serviceAccounts} ServiceAccount writes` +
      ` (least ${bounds.leastPatches}, at most ${bounds.mostPatches}: ${run.merged} merged), ${w.failed} failed;` +
      ` pure floor c32 ${floor.seconds.toFixed(2)} s for ${floor.writes} writes, ${(seconds / floor.seconds).toFixed(2)} x`,
  );
  return run;
}

const CIPSM = "/apis/cheiron.anny.co/v1alpha1/clusterimagepullsecretmanagers";

/**
 * Both runs, after the main phase's manager is deleted and cleaned up; `leftover`: namespaces of the set to
 * delete first (the main phase's new ones, when no pairs deleted them).
 */
export async function manyManagers(
  ctx: Ctx,
  n: number,
  floorList: string[],
  leftover: string[],
  timeoutMs: number,
): Promise<ManyRun[]> {
  const list = names(`c${n}`, n);
  const mv = new ManyView(ctx.api, `c${n}`, () => []);
  await mv.start();
  try {
    await deleteAndWait(
      ctx.api,
      leftover.map(ns => `/api/v1/namespaces/${ns}`),
      300_000,
    );
    await deleteManager(ctx.api, timeoutMs);
    await ctx.view.until(`the cleanup of c${n}-*`, timeoutMs, () => {
      return ctx.view.refCount.get(`c${n}`) === 0 && ctx.view.secretCount.get(`c${n}`) === 0;
    });
    const a = await one(ctx, mv, n, list, floorList, 0, timeoutMs);
    const paths = Array.from({ length: MANY_CLUSTER }, (_, i) => `${CIPSM}/bench-many-${i}`);
    await deleteAndWait(ctx.api, paths, timeoutMs);
    await ctx.view.until(`the cleanup of ${label(a)}`, timeoutMs, () => {
      return mv.secretCount === 0 && mv.referencing === 0;
    });
    const b = await one(ctx, mv, n, list, floorList, Math.min(MANY_NAMESPACED, n), timeoutMs);
    return [a, b];
  } finally {
    mv.stop();
  }
}

const label = (r: ManyRun) => `the ${r.label} managers`;
