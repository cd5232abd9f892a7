// The one way tests, benchmarks and `npm start` start the module: a process (command, arguments, environment,
// folder), optionally inside a memory cgroup as a container runtime would place it, its output in
// <dir>/<name>.log, then the wait until its /healthz answers. What is started depends on how the module runs,
// and each way only builds its Launch: `pepr dev` from the sources (module.ts startModule), the bundle that
// `pepr build` writes, as its Deployments run it (built-module.ts startBuiltModule), or a Pod's container
// command with its mounted paths (test/deployed/pod.ts startPod).
import { inCgroup, MemoryCgroup } from "./cgroup";
import { Proc, startProc, untilHealthy } from "./proc";

export interface Launch {
  name: string;
  /** Where its log goes. */
  dir: string;
  cmd: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Its /healthz, and how to trust its certificate. */
  healthUrl: string;
  tls: { ca?: Buffer; insecure?: boolean };
  timeoutMs: number;
  /** Start the process inside this memory cgroup (its Deployment's limit). */
  cgroup?: MemoryCgroup;
  /** How a failure to become healthy is told, and what stops it then (default: the process is stopped). */
  wait?: { pollMs?: number; what?: string; exitedMessage?: string; tailLines?: number };
  stop?: (proc: Proc) => Promise<void>;
}

/** Starts the process and resolves once its /healthz answers 200; throws (after stopping it) otherwise. */
export async function launchModule(l: Launch): Promise<Proc> {
  const [cmd, args] = l.cgroup ? inCgroup(l.cgroup, l.cmd, l.args) : [l.cmd, l.args];
  const proc = startProc(l.name, cmd, l.dir, args, { cwd: l.cwd, env: l.env });
  await untilHealthy(proc, l.healthUrl, {
    tls: l.tls,
    timeoutMs: l.timeoutMs,
    ...l.wait,
    ...(l.stop ? { stop: () => l.stop!(proc) } : {}),
  });
  return proc;
}
