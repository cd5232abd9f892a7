// `npm run bench:admission`: admission latency of Cheiron against a no-op Pepr module, on the real local
// control plane, and the API calls Cheiron makes while it admits (counted in the apiserver's audit log).
// A script, not a test: it prints figures; it exits 1 only when a response is wrong or an API call happened.
// The machine is shared (2 cores, other suites running), so the modules take turns in BENCH_ROUNDS rounds
// (ABBA order) and each round measures REQUESTS / ROUNDS per kind after its own warm-up: a change in
// background load then hits both modules alike. Percentiles are over all rounds pooled.
//   BENCH_CONCURRENCY (8)  BENCH_REQUESTS (2000 per kind)  BENCH_WARMUP (200 per kind and start)
//   BENCH_ROUNDS (4)  BENCH_VIEW_NAMESPACES (0)  BENCH_VIEW_MANAGERS (0): the view at scale (bench/view.ts)
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildK8s } from "../scripts/k8s-build";
import { ControlPlane, startControlPlane, stopControlPlane } from "../test/harness/control-plane";
import { installCRDs, REPO } from "../test/harness/module";
import { Proc, sleep, stopProc } from "../test/harness/proc";
import { moduleApiCalls } from "./audit";
import { newAgent, percentile, runLoad } from "./load";
import { admissionReview, Kind } from "./reviews";
import {
  buildModule,
  makeCert,
  ModuleRun,
  startBuiltModule,
  Tls,
  waitForLog,
} from "../test/harness/built-module";
import { cpuMs } from "./scale-cpu";
import { rssMB } from "./scale-modules";
import { newTotals, printReport, Settings, Totals } from "./report";
import { checkCheiron, checkNoop, createManagers, NAMESPACE, waitForSecrets } from "./setup";
import { createView, waitForViewSecrets } from "./view";

const num = (name: string, dflt: number) => Number(process.env[name] ?? dflt) || dflt;
const CONCURRENCY = num("BENCH_CONCURRENCY", 8);
const REQUESTS = num("BENCH_REQUESTS", 2000);
const WARMUP = num("BENCH_WARMUP", 200);
const ROUNDS = num("BENCH_ROUNDS", 4);
const VIEW = {
  namespaces: num("BENCH_VIEW_NAMESPACES", 0),
  managers: num("BENCH_VIEW_MANAGERS", 0),
};
const PHASE_DEADLINE_MS = 180_000;
const KINDS: Kind[] = ["ServiceAccount", "Pod"];
const TARGET_RATIO = 1.15;

const procs: Proc[] = [];
let cp: ControlPlane | undefined;
let work = "";

async function cleanup() {
  for (const p of procs.splice(0)) await stopProc(p);
  const keep = process.env.CHEIRON_KEEP_CONTROL_PLANE === "true";
  if (cp) await stopControlPlane(cp, keep);
  if (keep) console.log(`[bench] kept ${cp?.dir ?? ""} and ${work} (logs, audit log)`);
  else if (work) rmSync(work, { recursive: true, force: true });
  cp = undefined;
}

/** Waits until the module has made no API call for quietMs: its start-up (stores, view, watches) is over. */
async function waitForQuiet(auditLog: string, sinceMs: number, quietMs = 3000, maxMs = 30_000) {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const last = Math.max(
      sinceMs,
      ...moduleApiCalls(auditLog, sinceMs, Date.now()).map(c =>
        Date.parse(c.requestReceivedTimestamp),
      ),
    );
    if (Date.now() - last >= quietMs) return;
    await sleep(250);
  }
  throw new Error(`the module kept calling the API for ${maxMs} ms after start-up`);
}

async function load(run: ModuleRun, kind: Kind, from: number, count: number) {
  const indices = Array.from({ length: count }, (_, i) => from + i);
  const bodies = indices.map(i => admissionReview(kind, NAMESPACE[kind], i));
  const check = run.name === "cheiron" ? checkCheiron : checkNoop;
  const agent = newAgent(run.tls.ca, CONCURRENCY);
  const result = await runLoad({
    agent,
    path: `/mutate/${run.apiPath}`,
    bodies,
    concurrency: CONCURRENCY,
    deadlineMs: PHASE_DEADLINE_MS,
    check: (r, i) => check(kind, `bench-${kind}-${indices[i]}`)(r),
  });
  agent.destroy();
  if (result.failures.length > 0)
    throw new Error(`${run.name} ${kind}: ${result.failures.slice(0, 5).join("\n  ")}`);
  return result;
}

/** One round of one module: start it, warm it up, let its start-up calls finish, measure, stop it. */
async function round(run: ModuleRun, r: number, auditLog: string, t: Totals) {
  const started = Date.now();
  const proc = await startBuiltModule(run);
  procs.push(proc);
  if (run.name === "cheiron") await waitForLog(proc, "Cheiron admission view ready");
  const perRound = Math.ceil(REQUESTS / ROUNDS);
  const base = r * (WARMUP + perRound);
  for (const kind of KINDS) await load(run, kind, base, WARMUP);
  await waitForQuiet(auditLog, started);
  if (r === 0) t.startupCalls = moduleApiCalls(auditLog, started, Date.now());
  const t0 = Date.now();
  for (const kind of KINDS) {
    const count = Math.min(perRound, REQUESTS - t.latenciesMs[kind].length);
    const cpu0 = cpuMs(proc.child.pid ?? 0);
    const res = await load(run, kind, base + WARMUP, count);
    t.cpuMs[kind] += cpuMs(proc.child.pid ?? 0) - cpu0;
    t.latenciesMs[kind].push(...res.latenciesMs);
    t.seconds[kind] += res.seconds;
    t.roundP99[kind].push(percentile(res.latenciesMs, 99));
    t.samples[kind] ??= res.sample;
  }
  const t1 = Date.now();
  await sleep(1000); // the audit log is written before each response; this covers clock granularity
  t.calls.push(...moduleApiCalls(auditLog, t0, t1));
  t.peakRssMB = Math.max(t.peakRssMB, rssMB(proc.child.pid ?? 0, "VmHWM") || 0);
  await stopProc(proc);
  procs.splice(procs.indexOf(proc), 1);
}

async function main() {
  const settings: Settings = {
    ...{ concurrency: CONCURRENCY, requests: REQUESTS, warmup: WARMUP, rounds: ROUNDS },
    ...{ targetRatio: TARGET_RATIO, loadBefore: loadavg() },
  };
  work = mkdtempSync(join(tmpdir(), "cheiron-bench-"));
  const bin = process.env.CHEIRON_K8S_BIN || buildK8s();
  process.env.CHEIRON_K8S_BIN = bin;
  const builds = (async () => [
    await buildModule(REPO, join(work, "cheiron-dist"), join(work, "build-cheiron.log")),
    await buildModule(
      join(REPO, "bench/noop-module"),
      join(work, "noop-dist"),
      join(work, "build-noop.log"),
    ),
  ])();
  const [started, built] = await Promise.allSettled([startControlPlane(bin), builds]);
  if (started.status === "fulfilled") cp = started.value;
  if (started.status === "rejected") throw started.reason;
  if (built.status === "rejected") throw built.reason;
  const [cheironBundle, noopBundle] = built.value;
  const plane = started.value;

  await installCRDs(plane.kubeconfig, plane.dir);
  await createManagers(plane.kubeconfig);
  if (VIEW.namespaces > 0) {
    const t = Date.now();
    const n = await createView(plane.kubeconfig, VIEW);
    console.log(`[bench] view: ${n} objects applied in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  const tls: Tls = makeCert(work);
  const apiPath = randomBytes(32).toString("hex");
  const base = { dir: work, kubeconfig: plane.moduleKubeconfig, tls, apiPath };

  // The controller (watcher mode) creates the Secrets, then stops: it would compete for port 3000.
  const watcher = await startBuiltModule({
    ...base,
    name: "cheiron-watcher",
    bundle: cheironBundle,
    watchMode: true,
  });
  procs.push(watcher);
  await waitForSecrets(plane.kubeconfig);
  // The view's managers converge too (their Secrets, references and status), so admission reads a settled view.
  if (VIEW.namespaces > 0) {
    await waitForViewSecrets(plane.kubeconfig, VIEW);
    await waitForQuiet(plane.auditLog, Date.now() - 1000, 5000, 120_000);
  }
  await stopProc(watcher);
  procs.splice(procs.indexOf(watcher), 1);
  console.log("[bench] both managers' Secrets exist; the controller is stopped");

  const runs: ModuleRun[] = [
    { ...base, name: "cheiron", bundle: cheironBundle, watchMode: false },
    { ...base, name: "noop", bundle: noopBundle, watchMode: false },
  ];
  const results: Record<string, Totals> = { cheiron: newTotals(), noop: newTotals() };
  for (let r = 0; r < ROUNDS; r++) {
    // ABBA: cheiron, noop, noop, cheiron, ...: neither module always goes first.
    const order = r % 2 === 0 ? runs : [...runs].reverse();
    for (const run of order) {
      console.log(`[bench] round ${r + 1}/${ROUNDS}: ${run.name}, admission only, port 3000`);
      await round(run, r, plane.auditLog, results[run.name]);
    }
  }
  printReport(results, { ...settings, view: VIEW }, KINDS);
  return results.cheiron.calls.length === 0 ? 0 : 1;
}

process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));
main()
  .then(async code => {
    await cleanup();
    process.exit(code);
  })
  .catch(async e => {
    console.error(e instanceof Error ? e.message : e);
    await cleanup();
    process.exit(1);
  });
