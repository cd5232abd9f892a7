// Runs Cheiron's built bundle twice, as its two Deployments do (PEPR_WATCH_MODE=false: admission,
// PEPR_WATCH_MODE=true: watcher), each with its own kubeconfig of the module identity, and samples the
// memory and apiserver connections of each process from /proc.
//
// Port: Pepr binds 3000 (hard-coded, `PeprModule.start(port = 3000)`, no env var) in both modes; in a
// cluster each pod has its own network namespace and a Service maps 443 to it. Here both processes share
// the host's loopback (the apiserver is on loopback too), so each gets a `--require` preload that maps a
// listen on 3000 to a free port of its own, the way the Service maps a port. The bundle, its environment
// and its identity are otherwise those of the Deployments. (Left alone, the second process would log
// "Address in use, retrying in 2 seconds" forever and serve no /healthz.)
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { createMemoryCgroup, MemoryCgroup, parseMemoryQuantity } from "../test/harness/cgroup";
import { REPO } from "../test/harness/module";
import { writePortRemap } from "../test/harness/port-remap";
import { countConnections } from "../test/harness/sockets";
import { Proc } from "../test/harness/proc";
import { ModuleRun, startBuiltModule, Tls, waitForLog } from "../test/harness/built-module";

/** package.json's pepr.env, which pepr build puts into both Deployments. */
function peprEnv(): Record<string, string> {
  return JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).pepr?.env ?? {};
}

/** BENCH_CPU_PROF=<dir>: each process writes a V8 CPU profile there when it exits (open in Chrome DevTools). */
const profile = (name: string): string[] =>
  process.env.BENCH_CPU_PROF
    ? [
        "--cpu-prof",
        `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`,
        `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`,
      ]
    : [];

/** BENCH_NODE_ARGS: more node flags for both module processes, space-separated (for example --trace-gc). */
const extraNodeArgs = (): string[] =>
  (process.env.BENCH_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);

/** The module's two processes, as its two Deployments. */
export type Role = "admission" | "watcher";

export interface Modules {
  admission: Proc;
  watcher: Proc;
  /** The memory cgroup each runs in (its Deployment's memory limit), if this machine allows cgroups. */
  cgroups: Partial<Record<Role, MemoryCgroup>>;
}

/** Each process's memory limit (absent: uncontained) and the OOM kills in its cgroup so far. */
export function containmentOf(m: Modules): Record<Role, { limitMiB?: number; oomKills: number }> {
  const of = (role: Role) => {
    const cg = m.cgroups[role];
    return { limitMiB: cg && cg.limitBytes / 2 ** 20, oomKills: cg?.oomKills() ?? 0 };
  };
  return { watcher: of("watcher"), admission: of("admission") };
}

/** limits.memory of the two Deployments in the manifest `pepr build` wrote next to the bundle, in bytes. */
export function deploymentMemoryLimits(bundle: string): Partial<Record<Role, number>> {
  const out: Partial<Record<Role, number>> = {};
  const yaml = readFileSync(join(bundle, "..", "pepr-module-cheiron.yaml"), "utf8");
  for (const doc of parseAllDocuments(yaml)) {
    const d = doc.toJS() as {
      kind?: string;
      metadata?: { name?: string };
      spec?: {
        template?: { spec?: { containers?: { resources?: { limits?: { memory?: string } } }[] } };
      };
    } | null;
    if (d?.kind !== "Deployment") continue;
    const role: Role = d.metadata?.name?.endsWith("-watcher") ? "watcher" : "admission";
    const limit = parseMemoryQuantity(
      d.spec?.template?.spec?.containers?.[0]?.resources?.limits?.memory,
    );
    if (limit) out[role] = limit;
  }
  return out;
}

/**
 * Each process in a memory cgroup with its Deployment's limit, as in its pod: Node sizes the V8 heap from that
 * limit (a process on this machine, uncontained, gets a 4 GB heap limit and lets garbage grow to several times
 * what is live), and going past the limit is an OOM kill the run reports. BENCH_CONTAIN=false: uncontained.
 */
function containers(bundle: string, dir: string): Modules["cgroups"] {
  if (process.env.BENCH_CONTAIN === "false") return {};
  const limits = deploymentMemoryLimits(bundle);
  const out: Modules["cgroups"] = {};
  const tag = `${process.pid}-${dir.split("/").pop()}`;
  for (const role of ["admission", "watcher"] as const) {
    const limit = limits[role];
    const cg = limit ? createMemoryCgroup(`cheiron-bench-${tag}-${role}`, limit) : undefined;
    if (cg) out[role] = cg;
  }
  if (!out.watcher || !out.admission)
    console.warn(
      "[scale] no memory cgroup for the module processes (needs root and a writable /sys/fs/cgroup): they run " +
        "without their Deployment's memory limit, so Node sizes its heap for this machine and RSS reads higher than in a pod",
    );
  return out;
}

export async function startModules(opts: {
  dir: string;
  bundle: string;
  moduleKubeconfig: string;
  tls: Tls;
  apiPath: string;
  admissionPort: number;
  watcherPort: number;
}): Promise<Modules> {
  const remap = writePortRemap(opts.dir);
  const cgroups = containers(opts.bundle, opts.dir);
  const run = (name: Role, watchMode: boolean, port: number): ModuleRun => {
    const kubeconfig = join(opts.dir, `${name}.kubeconfig`);
    copyFileSync(opts.moduleKubeconfig, kubeconfig);
    return {
      ...{ name, bundle: opts.bundle, dir: opts.dir, kubeconfig, tls: opts.tls },
      ...{
        apiPath: opts.apiPath,
        watchMode,
        port,
        nodeArgs: [...remap.nodeArgs, ...profile(name), ...extraNodeArgs()],
        cgroup: cgroups[name],
      },
      // The environment the Deployments get from package.json's pepr.env, as pepr build writes it.
      env: { ...peprEnv(), ...remap.env(port) },
    };
  };
  const admission = await startBuiltModule(run("admission", false, opts.admissionPort));
  try {
    await waitForLog(admission, "Cheiron admission view ready", 60_000);
    const watcher = await startBuiltModule(run("watcher", true, opts.watcherPort));
    return { admission, watcher, cgroups };
  } catch (e) {
    admission.child.kill("SIGKILL");
    throw e;
  }
}

/** The watcher logs this once its own watches (managers, Secrets) have listed. */
export const waitForController = (watcher: Proc) =>
  waitForLog(watcher, "Cheiron controller started", 300_000);

export interface Peak {
  rssMB: number;
  connections: number;
}

/** Resident memory in MB, from /proc/<pid>/status: now (VmRSS) or the peak so far (VmHWM). */
export function rssMB(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** TCP connections of pid to the apiserver's port, in any state but LISTEN (test/harness/sockets.ts). */
export const apiConnections = (pid: number, apiPort: number) =>
  countConnections(pid, apiPort, "open");

/** Samples both processes every 250 ms; peaks are kept per phase (set `phase` as the run goes). */
export class Sampler {
  phase = "start";
  readonly peaks = new Map<string, Record<Role, Peak>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly m: Modules,
    private readonly apiPort: number,
  ) {}

  start() {
    this.timer = setInterval(() => this.sample(), 250);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }

  /** One reading now, also folded into the current phase's peak. */
  sample(): Record<Role, Peak> {
    const read = (p: Proc): Peak => {
      const pid = p.child.pid ?? 0;
      try {
        return { rssMB: rssMB(pid), connections: apiConnections(pid, this.apiPort) };
      } catch {
        return { rssMB: 0, connections: 0 };
      }
    };
    const now = { watcher: read(this.m.watcher), admission: read(this.m.admission) };
    const peak = this.peaks.get(this.phase) ?? {
      watcher: { rssMB: 0, connections: 0 },
      admission: { rssMB: 0, connections: 0 },
    };
    for (const k of ["watcher", "admission"] as const) {
      peak[k].rssMB = Math.max(peak[k].rssMB, now[k].rssMB);
      peak[k].connections = Math.max(peak[k].connections, now[k].connections);
    }
    this.peaks.set(this.phase, peak);
    return now;
  }

  /** The peak over every phase. */
  overall(): Record<Role, Peak> {
    const all = [...this.peaks.values()];
    const max = (k: Role, f: keyof Peak) => Math.max(0, ...all.map(p => p[k][f]));
    return {
      watcher: { rssMB: max("watcher", "rssMB"), connections: max("watcher", "connections") },
      admission: { rssMB: max("admission", "rssMB"), connections: max("admission", "connections") },
    };
  }
}
