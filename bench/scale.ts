// `npm run bench:scale [-- --quick]`: how Cheiron's controller scales with the number of namespaces, against
// the floor (a minimal client making exactly the writes needed; the pure floor with no webhook configured, and
// the floor with the module's webhooks, bench/scale-floor.ts), on the local control plane with its audit
// log, with the built bundle run as its two Deployments run it. One fresh control plane per N. A script, not
// a test: it prints a table and writes bench/results/scale-*.json and .svg; it exits 1 only on a wrong
// result (writes above the minimum, not converged, connections above the bound), never on timing.
//   --quick: N = 100 and 1,000, idle 120 s, main phase only. Else N = 100, 1,000, 5,000 and 10,000 with the
//   many-managers phase (bench/scale-many.ts). BENCH_SCALE_N (e.g. "100,1000"), BENCH_SCALE_PHASES ("many" or
//   "none": the phases besides the main one), BENCH_IDLE_SECONDS, BENCH_PAIRS (3),
//   BENCH_FANOUT_TIMEOUT_SECONDS (default max(120, 0.3 N)), BENCH_SOURCE=head (build git HEAD, not the tree),
//   CHEIRON_KEEP_CONTROL_PLANE=true keeps the folders (audit log, module logs).
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildK8s } from "../scripts/k8s-build";
import { ControlPlane, startControlPlane, stopControlPlane } from "../test/harness/control-plane";
import { installCRDs } from "../test/harness/module";
import { MemoryCgroup } from "../test/harness/cgroup";
import { freePort, Proc, stopProc } from "../test/harness/proc";
import {
  applyWebhooks,
  buildModule,
  makeCert,
  Tls,
  waitForLog,
} from "../test/harness/built-module";
import { AuditTail, countRequests } from "./scale-audit";
import { createSet, secs } from "./scale-cluster";
import { Api } from "./scale-kube";
import { containmentOf, Sampler, startModules, waitForController } from "./scale-modules";
import { baselineNamespaces } from "./scale-baseline";
import { CpuMeter, waitSettled } from "./scale-cpu";
import { CHEIRON_SET, Ctx, fanOut, idle, newNamespaces } from "./scale-phases";
import { floor } from "./scale-floor";
import { repeatPairs } from "./scale-pairs";
import { NResult, problems, Run, targets } from "./scale-report";
import { machine, printTable, writeFiles } from "./scale-print";
import { View } from "./scale-view";
import { parsePhases, parseSizes } from "./scale-plan";
import { manyManagers } from "./scale-many";
import { names } from "./scale-cluster";
import { CONTROLLER_MANAGER_ARGS, moduleSources } from "./scale-source";

const quick = process.argv.includes("--quick");
const SIZES = parseSizes(process.env.BENCH_SCALE_N, quick);
const PHASES = parsePhases(process.env.BENCH_SCALE_PHASES, quick);
const IDLE = Number(process.env.BENCH_IDLE_SECONDS ?? (quick ? 120 : 600));
/** Fan-out / floor pairs at N >= 1,000, the first one included (bench/scale-pairs.ts). */
const PAIRS = Math.max(1, Number(process.env.BENCH_PAIRS ?? 3) || 1);
const fanOutTimeout = (n: number) =>
  1000 * Number(process.env.BENCH_FANOUT_TIMEOUT_SECONDS ?? Math.max(120, 0.3 * n));
const keep = process.env.CHEIRON_KEEP_CONTROL_PLANE === "true";

const procs: Proc[] = [];
const cgroups: MemoryCgroup[] = [];
let cp: ControlPlane | undefined;
let work = "";

async function stopPlane() {
  for (const p of procs.splice(0)) await stopProc(p);
  for (const c of cgroups.splice(0)) c.remove();
  if (cp) await stopControlPlane(cp, keep);
  if (keep && cp) console.log(`[scale] kept ${cp.dir} (audit log)`);
  cp = undefined;
}

async function one(
  n: number,
  bin: string,
  bundle: string,
  tls: Tls,
  last: boolean,
  run: Run,
): Promise<NResult> {
  console.log(`\n[scale] ===== N = ${n} =====`);
  const plane = (cp = await startControlPlane(bin, {
    controllerManagerArgs: CONTROLLER_MANAGER_ARGS,
  }));
  await installCRDs(plane.kubeconfig, plane.dir);
  const api = new Api(plane.server, plane.adminToken, readFileSync(plane.caFile), 16);
  await api.must("POST", "/api/v1/namespaces", { metadata: { name: "pepr-system" } }, [201]);
  const view = new View(api);
  await view.start();
  const audit = new AuditTail(plane.auditLog);
  try {
    const apiPath = randomBytes(32).toString("hex");
    const [admissionPort, watcherPort] = [await freePort(), await freePort()];
    await applyWebhooks(
      plane.kubeconfig,
      join(bundle, "..", "pepr-module-cheiron.yaml"),
      admissionPort,
      apiPath,
      tls.ca,
    );
    const t0 = Date.now();
    const dir = mkdtempSync(join(work, `n${n}-`));
    const modules = await startModules({
      dir,
      bundle,
      moduleKubeconfig: plane.moduleKubeconfig,
      tls,
      apiPath,
      admissionPort,
      watcherPort,
    });
    procs.push(modules.admission, modules.watcher);
    cgroups.push(...Object.values(modules.cgroups));
    const sampler = new Sampler(modules, Number(new URL(plane.server).port));
    sampler.start();
    const ctx: Ctx = {
      api,
      server: plane.server,
      adminToken: plane.adminToken,
      view,
      audit,
      sampler,
      cpu: new CpuMeter({
        ...Object.fromEntries(plane.procs.map(p => [p.name, p.child.pid ?? 0])),
        watcher: modules.watcher.child.pid ?? 0,
        admission: modules.admission.child.pid ?? 0,
      }),
    };
    await Promise.all([
      waitForLog(modules.admission, "Cheiron admission view ready", 120_000),
      waitForController(modules.watcher),
    ]).catch(e => console.warn(`[scale] ${e instanceof Error ? e.message.split("\n")[0] : e}`));
    await audit.waitQuiet(t0, 3000, 180_000);
    console.log(`[scale] both module processes started and quiet after ${secs(t0)} s`);
    // The namespaces are created with the module running, as in a cluster where Cheiron was installed first:
    // the webhook admits their ServiceAccounts and the watcher caches them. The floor's set is created the
    // same way later, so both phases meet processes that have served the same kind of traffic (before, the
    // fan-out met a webhook that had served no request at all, the floor one that had just served 4,000).
    await createSet(api, view, `c${n}`, CHEIRON_SET, n);
    await waitSettled(ctx.cpu, "the namespaces");

    const fan = await fanOut(ctx, n, fanOutTimeout(n));
    const nn = n >= 1000 && fan.converged ? await newNamespaces(ctx, n) : undefined;
    if (nn) nn.baseline = await baselineNamespaces(ctx, n);
    const cheironPeak = sampler.overall();
    const tFloor = Date.now();
    const fl = await floor(ctx, n, [8, 32]);
    const floorList = fl.list;
    const during = countRequests(audit.moduleCalls(tFloor).filter(e => e.verb !== "watch"));
    const pairs =
      n >= 1000 && PAIRS > 1 && fan.converged
        ? await repeatPairs(ctx, n, floorList, PAIRS - 1, nn?.count ?? 0, fanOutTimeout(n))
        : undefined;
    const leftover = pairs ? [] : names(`c${n}new`, nn?.count ?? 0);
    const many =
      PHASES.has("many") && fan.converged
        ? await manyManagers(ctx, n, floorList, leftover, fanOutTimeout(n))
        : undefined;
    if (last) run.idle = await idle(ctx, IDLE);
    sampler.stop();
    const phases = Object.fromEntries(sampler.peaks);
    return {
      ...{ n, fanOut: fan, newNamespaces: nn, pairs, many },
      ...{
        floor: fl.times,
        floorCpu: fl.cpu,
        floorWebhookCalls: fl.webhookCalls,
        floorSpeed: fl.speed,
      },
      ...{
        pureFloor: fl.pure.times,
        pureFloorCpu: fl.pure.cpu,
        pureFloorWebhookCalls: fl.pure.webhookCalls,
      },
      pureFloorSpeed: fl.pure.speed,
      moduleDuringFloor: during,
      ...{ cheironPeak, overallPeak: sampler.overall(), phases },
      containment: containmentOf(modules),
    };
  } finally {
    view.stop();
    api.close();
    await stopPlane();
  }
}

async function main() {
  const run: Run = {
    startedAt: new Date().toISOString(),
    quick,
    machine: machine(),
    results: [],
    problems: [],
    targets: [],
  };
  work = mkdtempSync(join(tmpdir(), "cheiron-scale-"));
  const bin = process.env.CHEIRON_K8S_BIN || buildK8s();
  process.env.CHEIRON_K8S_BIN = bin;
  const t0 = Date.now();
  const bundle = await buildModule(
    moduleSources(work),
    join(work, "dist"),
    join(work, "build.log"),
  );
  console.log(
    `[scale] module built in ${secs(t0)} s; sizes ${SIZES.join(", ")}; phases main${[...PHASES].map(p => `, ${p}`).join("")}; idle ${IDLE} s`,
  );
  const tls = makeCert(work);
  for (const [i, n] of SIZES.entries())
    run.results.push(await one(n, bin, bundle, tls, i === SIZES.length - 1, run));
  run.machine.loadAfter = loadavg();
  run.problems = problems(run);
  run.targets = targets(run);
  printTable(run);
  for (const f of writeFiles(run)) console.log(`[scale] wrote ${f}`);
  return run.problems.length ? 1 : 0;
}

async function cleanup() {
  await stopPlane();
  if (keep) console.log(`[scale] kept ${work} (module logs, build)`);
  else if (work) rmSync(work, { recursive: true, force: true });
}

process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));
main()
  .then(async code => {
    await cleanup();
    process.exit(code);
  })
  .catch(async e => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    await cleanup();
    process.exit(1);
  });
