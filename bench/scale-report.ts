// The scale benchmark's results and its verdicts (problems: wrong results; targets: the targets). The
// printout and the files are bench/scale-print.ts.
import type { containmentOf, Peak, Role } from "./scale-modules";
import type { FanOut, NewNamespaces } from "./scale-phases";
import { describeDrift, SpeedProbes, speedDrift } from "./scale-speed";
import { medianRatio, Pair } from "./scale-pairs";
import type { ManyRun } from "./scale-many";
import { largeTargets, manyProblems, manyTargets } from "./scale-many-report";

type Peaks = Record<Role, Peak>;

export interface NResult {
  n: number;
  fanOut: FanOut;
  newNamespaces?: NewNamespaces;
  /** The floor with the module's webhooks registered (each ServiceAccount patch calls Cheiron's admission). */
  floor: Record<string, number>;
  /** The pure floor: the same writes with no webhook configured (runs before issue 26 have none). */
  pureFloor?: Record<string, number>;
  pureFloorCpu?: Record<string, Record<string, number>>;
  /** Calls of Cheiron's webhooks during each pure floor run: 0, or the webhooks were not removed. */
  pureFloorWebhookCalls?: Record<string, number>;
  pureFloorSpeed?: Record<string, SpeedProbes>;
  /** CPU seconds of each process during each floor run. */
  floorCpu?: Record<string, Record<string, number>>;
  /** The speed probes around each floor run (bench/scale-speed.ts). */
  floorSpeed?: Record<string, SpeedProbes>;
  /** Further fan-out / floor c32 pairs, each seconds apart (bench/scale-pairs.ts); pure floors since issue 26. */
  pairs?: Pair[];
  /** The many-managers phase (BENCH_SCALE_PHASES=many): 5 cluster managers, then 5 and 100 namespaced. */
  many?: ManyRun[];
  /** Module requests while the floor ran (Cheiron should not react to namespaces it does not select). */
  moduleDuringFloor: { reads: number; writes: number; what?: Record<string, number> };
  /** Peak over start-up, fan-out and new namespaces (before the floor doubles the namespaces). */
  cheironPeak: Peaks;
  overallPeak: Peaks;
  phases: Record<string, Peaks>;
  /** The memory cgroup each module process ran in (its Deployment's limit; absent: uncontained) and OOM kills. */
  containment?: ReturnType<typeof containmentOf>;
}

export interface Run {
  startedAt: string;
  quick: boolean;
  machine: {
    node: string;
    cpus: string;
    memoryGB: number;
    loadBefore: number[];
    loadAfter?: number[];
  };
  results: NResult[];
  idle?: { seconds: number; reads: number; writes: number; what: Record<string, number> };
  problems: string[];
  targets: string[];
}

export const f = (v: number, d = 2, w = 9) => (Number.isFinite(v) ? v.toFixed(d) : "-").padStart(w);
/** The run with the best time of a floor's runs: "c8" or "c32". */
const bestKey = (runs: Record<string, number>) =>
  Object.entries(runs).reduce((a, b) => (b[1] < a[1] ? b : a))[0];
export const floorBest = (r: NResult) => r.floor[bestKey(r.floor)];
export const pureBest = (r: NResult) => (r.pureFloor ? r.pureFloor[bestKey(r.pureFloor)] : NaN);

/**
 * The floor the target judges the fan-out against: the pure floor (no webhook configured); for runs made before
 * it existed, the floor with the webhook.
 */
function targetFloor(r: NResult) {
  if (r.pureFloor)
    return {
      seconds: pureBest(r),
      label: "pure floor (no webhook) best",
      speed: r.pureFloorSpeed?.[bestKey(r.pureFloor)],
    };
  return { seconds: floorBest(r), label: "floor best", speed: r.floorSpeed?.[bestKey(r.floor)] };
}

/** How the machine's speed around the fan-out compared with it around the target floor's best run, if probed. */
export function describeSpeed(r: NResult): string {
  const floorProbes = targetFloor(r).speed;
  if (!r.fanOut.speed || !floorProbes) return "";
  return `; ${describeDrift(speedDrift(r.fanOut.speed, floorProbes))}`;
}

/** The smoke checks (exit 1): wrong results only, never timing. */
export function problems(run: Run): string[] {
  const out: string[] = [];
  for (const r of run.results) {
    const w = r.fanOut.writes.work;
    if (!r.fanOut.converged)
      out.push(`N=${r.n}: fan-out did not converge (${JSON.stringify(r.fanOut.progress)})`);
    if (w !== r.fanOut.minimum)
      out.push(`N=${r.n}: ${w} module writes in the fan-out, minimum ${r.fanOut.minimum}`);
    const nn = r.newNamespaces;
    if (nn && nn.unconverged > 0)
      out.push(`N=${r.n}: ${nn.unconverged} new namespaces did not converge`);
    if (nn && nn.writesPerNamespace.max > 1)
      out.push(`N=${r.n}: up to ${nn.writesPerNamespace.max} writes per new namespace (minimum 1)`);
    for (const [role, c] of Object.entries(r.containment ?? {}))
      if (c.oomKills > 0)
        out.push(
          `N=${r.n}: the ${role} was OOM-killed ${c.oomKills}x at its ${c.limitMiB} MiB limit`,
        );
    for (const [c, calls] of Object.entries(r.pureFloorWebhookCalls ?? {}))
      if (calls > 0)
        out.push(
          `N=${r.n}: the pure floor at ${c} made ${calls} webhook calls (the webhooks were not removed)`,
        );
    for (const [i, p] of (r.pairs ?? []).entries())
      if (p.floorWebhookCalls)
        out.push(
          `N=${r.n}: the pure floor of pair ${i + 2} made ${p.floorWebhookCalls} webhook calls (the webhooks were not removed)`,
        );
    for (const [i, p] of (r.pairs ?? []).entries())
      if (p.writes !== p.minimum)
        out.push(`N=${r.n}: ${p.writes} module writes in pair ${i + 2}, minimum ${p.minimum}`);
    const c = r.overallPeak.watcher.connections;
    if (c >= 32)
      out.push(`N=${r.n}: the watcher had ${c} connections to the apiserver (bound: below 32)`);
    out.push(...manyProblems(r));
  }
  return out;
}

/** The targets, each with its verdict (reported, never fatal). */
export function targets(run: Run): string[] {
  const out: string[] = [];
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  const at = (n: number) => run.results.find(r => r.n === n);
  const [r1k, r5k] = [at(1000), at(5000)];
  for (const r of [r1k, r5k, at(10000)]) {
    if (!r) continue;
    const target = targetFloor(r);
    const ratio = r.fanOut.seconds / target.seconds;
    /** With the pure floor as the target, the ratio to the floor with the webhook as a second figure. */
    const second = r.pureFloor
      ? ` (floor with the module's webhook, best: ${f(r.fanOut.seconds / floorBest(r), 2, 0)} x)`
      : "";
    out.push(
      `fan-out N=${r.n} writes = minimum: ${r.fanOut.writes.work}/${r.fanOut.minimum}, ${verdict(r.fanOut.writes.work === r.fanOut.minimum)}`,
    );
    const mutating = r.fanOut.mutatingWebhookCalls;
    if (mutating !== undefined)
      out.push(
        `fan-out N=${r.n} own writes skip the mutating webhook: ${mutating} calls, ${verdict(mutating === 0)}`,
      );
    if (!r.pairs?.length) {
      out.push(
        `fan-out N=${r.n} time <= 1.5 x ${target.label}: ${f(ratio, 2, 0)} x, ${verdict(ratio <= 1.5)}${describeSpeed(r)}${second}`,
      );
      continue;
    }
    const median = medianRatio(ratio, r.pairs);
    const further = r.pairs.map(p => f(p.ratio, 2, 0)).join(", ");
    const pairFloor = r.pureFloor ? "a pure floor run" : "a floor run";
    out.push(
      `fan-out N=${r.n} time <= 1.5 x ${target.label}: median of ${r.pairs.length + 1} pairs ${f(median, 2, 0)} x,` +
        ` ${verdict(median <= 1.5)} (first pair ${f(ratio, 2, 0)} x${describeSpeed(r)}; further pairs, each` +
        ` fan-out next to ${pairFloor} at concurrency 32: ${further})${second}`,
    );
  }
  for (const r of run.results.filter(x => x.newNamespaces)) {
    const nn = r.newNamespaces as NewNamespaces;
    out.push(
      `new namespace N=${r.n} p99 <= 25 ms: ${f(nn.p99Ms, 1, 0)} ms, ${verdict(nn.p99Ms <= 25)}; ` +
        `1 write per namespace: ${nn.writesPerNamespace.min}..${nn.writesPerNamespace.max}, ${verdict(nn.writesPerNamespace.min === 1 && nn.writesPerNamespace.max === 1)}` +
        ` (module reaction p99 ${f(nn.moduleReactionP99Ms, 1, 0)} ms; the apiserver's own p99 for one Secret create ${f(nn.secretApiserverP99Ms, 1, 0)} ms;` +
        ` creates held > 25 ms by NamespaceLifecycle: ${nn.slowAdmissions.namespaceLifecycle}, Cheiron webhook calls > 25 ms: ${nn.slowAdmissions.cheironWebhook};` +
        ` baseline without Cheiron work p99 ${f(nn.baseline?.p99Ms ?? NaN, 1, 0)} ms, ${nn.baseline?.slowAdmissions.namespaceLifecycle ?? "?"} held)`,
    );
  }
  const conns = Math.max(...run.results.map(r => r.overallPeak.watcher.connections));
  out.push(`watcher connections < 32 at every N: peak ${conns}, ${verdict(conns < 32)}`);
  if (r5k)
    out.push(
      `watcher peak RSS at N=5000 <= 256 MB: ${f(r5k.cheironPeak.watcher.rssMB, 0, 0)} MB, ${verdict(r5k.cheironPeak.watcher.rssMB <= 256)}`,
    );
  if (r1k && r5k) {
    const kb = ((r5k.cheironPeak.watcher.rssMB - r1k.cheironPeak.watcher.rssMB) * 1024) / 4000;
    out.push(
      `watcher RSS growth N=1000 -> 5000 <= 20 KB per namespace: ${f(kb, 1, 0)} KB, ${verdict(kb <= 20)}`,
    );
  }
  out.push(...largeTargets(run), ...manyTargets(run));
  if (run.idle)
    out.push(
      `idle ${run.idle.seconds} s: ${run.idle.writes} writes, ${run.idle.reads} reads, ${verdict(run.idle.writes + run.idle.reads === 0)}`,
    );
  return out;
}
