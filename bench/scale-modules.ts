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
import { copyFileSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../test/harness/module";
import { Proc } from "../test/harness/proc";
import { ModuleRun, startBuiltModule, Tls, waitForLog } from "./modules";

const PRELOAD = `// Written by bench/scale-modules.ts: maps Pepr's fixed listen port 3000 to BENCH_LISTEN_PORT.
const net = require("node:net");
const to = Number(process.env.BENCH_LISTEN_PORT);
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args[0] === 3000 && to) args[0] = to;
  return listen.apply(this, args);
};
`;

/** package.json's pepr.env, which pepr build puts into both Deployments. */
function peprEnv(): Record<string, string> {
  return JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).pepr?.env ?? {};
}

export interface Modules {
  admission: Proc;
  watcher: Proc;
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
  const preload = join(opts.dir, "port-remap.cjs");
  writeFileSync(preload, PRELOAD);
  const run = (name: string, watchMode: boolean, port: number): ModuleRun => {
    const kubeconfig = join(opts.dir, `${name}.kubeconfig`);
    copyFileSync(opts.moduleKubeconfig, kubeconfig);
    return {
      ...{ name, bundle: opts.bundle, dir: opts.dir, kubeconfig, tls: opts.tls },
      ...{ apiPath: opts.apiPath, watchMode, port, nodeArgs: ["--require", preload] },
      // The environment the Deployments get from package.json's pepr.env, as pepr build writes it.
      env: { ...peprEnv(), BENCH_LISTEN_PORT: String(port) },
    };
  };
  const admission = await startBuiltModule(run("admission", false, opts.admissionPort));
  try {
    await waitForLog(admission, "Cheiron admission view ready", 60_000);
    const watcher = await startBuiltModule(run("watcher", true, opts.watcherPort));
    return { admission, watcher };
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

/** Resident memory in MB, from /proc/<pid>/status. */
export function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** TCP connections of pid to 127.0.0.1:apiPort (any state but LISTEN), from its fds and /proc/<pid>/net. */
export function apiConnections(pid: number, apiPort: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  const port = apiPort.toString(16).toUpperCase().padStart(4, "0");
  let n = 0;
  for (const table of ["tcp", "tcp6"]) {
    let text = "";
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] === "0A") continue;
      if (f[2].endsWith(`:${port}`) && inodes.has(f[9])) n++;
    }
  }
  return n;
}

/** Samples both processes every 250 ms; peaks are kept per phase (set `phase` as the run goes). */
export class Sampler {
  phase = "start";
  readonly peaks = new Map<string, Record<"watcher" | "admission", Peak>>();
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
  sample(): Record<"watcher" | "admission", Peak> {
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
  overall(): Record<"watcher" | "admission", Peak> {
    const all = [...this.peaks.values()];
    const max = (k: "watcher" | "admission", f: keyof Peak) =>
      Math.max(0, ...all.map(p => p[k][f]));
    return {
      watcher: { rssMB: max("watcher", "rssMB"), connections: max("watcher", "connections") },
      admission: { rssMB: max("admission", "rssMB"), connections: max("admission", "connections") },
    };
  }
}
