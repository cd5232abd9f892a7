// The scale benchmark's printout and its files: bench/results/scale-<timestamp>.json and .svg (and
// scale-latest.svg).
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { REPO } from "../test/harness/module";
import type { NewNamespaces } from "./scale-phases";
import { f, floorBest, NResult, pureBest, Run } from "./scale-report";
import { chart } from "./scale-svg";
import { printCpuTable, printManyTable } from "./scale-print-more";

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
    "     N  cheiron s  pure c8 s  pure c32 s  x pure  floor c8 s  floor c32 s  x best   writes  minimum  events  status  other  watcher MB  conns  admission MB  conns",
  );
  console.log(
    "       (pure: the floor with no webhook configured, what the target uses; floor: with the module's webhooks)",
  );
  for (const r of run.results) {
    const w = r.fanOut.writes;
    const p = r.cheironPeak;
    console.log(
      `${String(r.n).padStart(6)} ${f(r.fanOut.seconds, 2, 10)} ${f(r.pureFloor?.c8 ?? NaN, 2, 10)} ${f(r.pureFloor?.c32 ?? NaN, 2, 11)} ` +
        `${f(r.fanOut.seconds / pureBest(r), 2, 7)} ${f(r.floor.c8, 2, 11)} ${f(r.floor.c32, 2, 12)} ` +
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
  printCpuTable(run);
  printManyTable(run);
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
      { name: "pure floor (no webhook), best", color: "#2ca02c", points: points(pureBest) },
      { name: "floor with webhook, best", color: "#1f77b4", points: points(floorBest) },
    ],
  );
  const svgFile = join(dir, `scale-${stamp}.svg`);
  writeFileSync(svgFile, svg);
  copyFileSync(svgFile, join(dir, "scale-latest.svg"));
  return [json, svgFile, join(dir, "scale-latest.svg")];
}
