// The scale benchmark's printout, its verdicts, and its files: bench/results/scale-<timestamp>.json and
// .svg (and scale-latest.svg).
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { REPO } from "../test/harness/module";
import type { containmentOf, Peak, Role } from "./scale-modules";
import type { FanOut, NewNamespaces } from "./scale-phases";
import { chart } from "./scale-svg";
import { describeDrift, SpeedProbes, speedDrift } from "./scale-speed";
import { medianRatio, Pair } from "./scale-pairs";

type Peaks = Record<Role, Peak>;

export interface NResult {
  n: number;
  fanOut: FanOut;
  newNamespaces?: NewNamespaces;
  floor: Record<string, number>;
  /** CPU seconds of each process during each floor run. */
  floorCpu?: Record<string, Record<string, number>>;
  /** The speed probes around each floor run (bench/scale-speed.ts). */
  floorSpeed?: Record<string, SpeedProbes>;
  /** Further fan-out / floor c32 pairs, each seconds apart (bench/scale-pairs.ts). */
  pairs?: Pair[];
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

const f = (v: number, d = 2, w = 9) => (Number.isFinite(v) ? v.toFixed(d) : "-").padStart(w);
/** The floor run with the best time: "c8" or "c32". */
const floorBestKey = (r: NResult) =>
  Object.entries(r.floor).reduce((a, b) => (b[1] < a[1] ? b : a))[0];
const floorBest = (r: NResult) => r.floor[floorBestKey(r)];

/** How the machine's speed around the fan-out compared with it around the floor's best run, if probed. */
export function describeSpeed(r: NResult): string {
  const floorProbes = r.floorSpeed?.[floorBestKey(r)];
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
    for (const [i, p] of (r.pairs ?? []).entries())
      if (p.writes !== p.minimum)
        out.push(`N=${r.n}: ${p.writes} module writes in pair ${i + 2}, minimum ${p.minimum}`);
    const c = r.overallPeak.watcher.connections;
    if (c >= 32)
      out.push(`N=${r.n}: the watcher had ${c} connections to the apiserver (bound: below 32)`);
  }
  return out;
}

/** The issue's targets, each with its verdict (reported, never fatal). */
export function targets(run: Run): string[] {
  const out: string[] = [];
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  const at = (n: number) => run.results.find(r => r.n === n);
  const [r1k, r5k] = [at(1000), at(5000)];
  for (const r of [r1k, r5k]) {
    if (!r) continue;
    const ratio = r.fanOut.seconds / floorBest(r);
    out.push(
      `fan-out N=${r.n} writes = minimum: ${r.fanOut.writes.work}/${r.fanOut.minimum}, ${verdict(r.fanOut.writes.work === r.fanOut.minimum)}`,
    );
    if (!r.pairs?.length) {
      out.push(
        `fan-out N=${r.n} time <= 1.5 x floor best: ${f(ratio, 2, 0)} x, ${verdict(ratio <= 1.5)}${describeSpeed(r)}`,
      );
      continue;
    }
    const median = medianRatio(ratio, r.pairs);
    const further = r.pairs.map(p => f(p.ratio, 2, 0)).join(", ");
    out.push(
      `fan-out N=${r.n} time <= 1.5 x floor best: median of ${r.pairs.length + 1} pairs ${f(median, 2, 0)} x,` +
        ` ${verdict(median <= 1.5)} (first pair ${f(ratio, 2, 0)} x${describeSpeed(r)}; further pairs, each` +
        ` fan-out next to a floor run at concurrency 32: ${further})`,
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
  if (run.idle)
    out.push(
      `idle ${run.idle.seconds} s: ${run.idle.writes} writes, ${run.idle.reads} reads, ${verdict(run.idle.writes + run.idle.reads === 0)}`,
    );
  return out;
}

export function printTable(run: Run) {
  const m = run.machine;
  console.log(
    `\nScale benchmark, ${run.startedAt}${run.quick ? " (--quick)" : ""}: node ${m.node}, ${m.cpus}, ` +
      `load average ${m.loadBefore.map(v => v.toFixed(1)).join(" ")} before, ${(m.loadAfter ?? []).map(v => v.toFixed(1)).join(" ")} after`,
  );
  const limits = run.results[0]?.containment;
  console.log(
    limits?.watcher.limitMiB && limits.admission.limitMiB
      ? `Module processes in memory cgroups of their Deployments' limits (watcher ${limits.watcher.limitMiB} MiB, admission ${limits.admission.limitMiB} MiB)`
      : "Module processes NOT in memory cgroups (no writable /sys/fs/cgroup): Node sized its heap for this machine, so RSS reads higher than in a pod",
  );
  console.log(
    "Fan-out (N namespaces x 3 ServiceAccounts; writes = module creates/updates/patches/deletes of Secrets and ServiceAccounts)",
  );
  console.log(
    "     N  cheiron s  floor c8 s  floor c32 s  x best   writes  minimum  events  status  other  watcher MB  conns  admission MB  conns",
  );
  for (const r of run.results) {
    const w = r.fanOut.writes;
    const p = r.cheironPeak;
    console.log(
      `${String(r.n).padStart(6)} ${f(r.fanOut.seconds, 2, 10)} ${f(r.floor.c8, 2, 11)} ${f(r.floor.c32, 2, 12)} ` +
        `${f(r.fanOut.seconds / floorBest(r), 2, 7)} ${String(w.work).padStart(8)} ${String(r.fanOut.minimum).padStart(8)} ` +
        `${String(w.events).padStart(7)} ${String(w.status).padStart(7)} ${String(w.other).padStart(6)} ` +
        `${f(p.watcher.rssMB, 1, 11)} ${String(r.overallPeak.watcher.connections).padStart(6)} ${f(p.admission.rssMB, 1, 13)} ${String(r.overallPeak.admission.connections).padStart(6)}`,
    );
  }
  const nn = run.results.filter(r => r.newNamespaces);
  if (nn.length) {
    console.log(
      "New namespace (50, one at a time; namespace create -> later of its Secret's create and its default ServiceAccount referencing it)",
    );
    console.log(
      "     N   p50 ms   p99 ms   max ms  measured  writes/ns  at admission  | p99 ms: module reaction  apiserver Secret create  apiserver SA create",
    );
    for (const r of nn) {
      const x = r.newNamespaces as NewNamespaces;
      console.log(
        `${String(r.n).padStart(6)} ${f(x.p50Ms, 1, 8)} ${f(x.p99Ms, 1, 8)} ${f(x.maxMs, 1, 8)} ${String(`${x.measured}/${x.count}`).padStart(9)} ` +
          `${`${x.writesPerNamespace.min}..${x.writesPerNamespace.max}`.padStart(10)} ${String(x.referencedAtAdmission).padStart(13)}  |` +
          `${f(x.moduleReactionP99Ms, 1, 24)} ${f(x.secretApiserverP99Ms, 1, 24)} ${f(x.serviceAccountApiserverP99Ms, 1, 20)}`,
      );
    }
  }
  for (const r of run.results)
    console.log(
      `Module requests during the floor at N=${r.n}: ${r.moduleDuringFloor.writes} writes, ${r.moduleDuringFloor.reads} reads` +
        (r.moduleDuringFloor.what ? ` ${JSON.stringify(r.moduleDuringFloor.what)}` : ""),
    );
  if (run.idle)
    console.log(
      `Idle ${run.idle.seconds} s: ${run.idle.writes} writes, ${run.idle.reads} reads (watches excluded) ${JSON.stringify(run.idle.what)}`,
    );
  console.log("Targets:");
  for (const t of run.targets) console.log(`  ${t}`);
  if (run.problems.length) console.log(`WRONG RESULTS:\n  ${run.problems.join("\n  ")}`);
}

export function machine() {
  const c = cpus();
  return {
    node: process.version,
    cpus: `${c.length} x ${c[0]?.model ?? "CPU"}`,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    loadBefore: loadavg(),
  };
}

/** Writes the JSON and the SVG; returns their paths. */
export function writeFiles(run: Run): string[] {
  const dir = join(REPO, "bench/results");
  mkdirSync(dir, { recursive: true });
  const stamp = run.startedAt.replace(/[:]/g, "").replace(/\.\d+Z$/, "Z");
  const json = join(dir, `scale-${stamp}.json`);
  writeFileSync(json, JSON.stringify(run, null, 2) + "\n");
  const points = (g: (r: NResult) => number) => run.results.map(r => ({ n: r.n, seconds: g(r) }));
  const svg = chart(
    `Fan-out time against N (${run.startedAt.slice(0, 10)}${run.quick ? ", quick" : ""})`,
    [
      { name: "Cheiron", color: "#d62728", points: points(r => r.fanOut.seconds) },
      { name: "floor, best", color: "#1f77b4", points: points(floorBest) },
      { name: "floor, c8", color: "#7fb2e5", points: points(r => r.floor.c8) },
    ],
  );
  const svgFile = join(dir, `scale-${stamp}.svg`);
  writeFileSync(svgFile, svg);
  copyFileSync(svgFile, join(dir, "scale-latest.svg"));
  return [json, svgFile, join(dir, "scale-latest.svg")];
}
