// What a real node changes on the machine, and the checks around it: whether this machine can run a node at all
// (and exactly why not), the sysctls the kubelet changes (recorded before, restored after), and what a node run
// could leave behind (processes, mounts, cgroups, the bridge), found and removed by PID and by path, never by a
// process name.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { proxyRuleLeftovers } from "./node-proxy";

export const CGROUP_ROOT = "/sys/fs/cgroup";
/** The cgroup the kubelet makes (cgroupDriver cgroupfs, cgroupsPerQOS) in each hierarchy. */
export const KUBEPODS = "kubepods";

/** Sysctls the kubelet sets (vm.overcommit_memory, kernel.panic, kernel.panic_on_oops) and their neighbours. */
const SYSCTLS = [
  "vm/overcommit_memory",
  "vm/panic_on_oom",
  "kernel/panic",
  "kernel/panic_on_oops",
  "kernel/keys/root_maxkeys",
  "kernel/keys/root_maxbytes",
  "net/ipv4/ip_forward",
  "net/ipv4/conf/all/route_localnet",
  "net/netfilter/nf_conntrack_max",
];

/** Paths a kubelet, containerd, libcni or mount(8) write whatever their configuration says (hidden by test/harness/node.ts). */
export const FIXED_PATHS = [
  "/run/containerd",
  "/run/mount",
  "/var/lib/kubelet",
  "/var/log/containers",
  "/var/lib/cni",
];
export const existingFixedPaths = () => FIXED_PATHS.filter(p => existsSync(p));

const onPath = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

/** Why this machine cannot run a node, or undefined when it can. */
export function nodeUnavailableReason(bridge: string): string | undefined {
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0)
    return `a node needs root (containerd, runc, the kubelet's cgroups and mounts); uid is ${uid}`;
  if (process.platform !== "linux") return `a node needs Linux; this is ${process.platform}`;
  const v1 = existsSync(join(CGROUP_ROOT, "memory", "cgroup.procs"));
  const v2 = existsSync(join(CGROUP_ROOT, "cgroup.controllers"));
  if (!v1 && !v2) return `no cgroup hierarchy is mounted under ${CGROUP_ROOT}`;
  const fs = readFileSync("/proc/filesystems", "utf8");
  if (!/\boverlay\b/.test(fs))
    return "the kernel has no overlay filesystem (containerd's snapshotter needs it)";
  for (const cmd of ["unshare", "nsenter", "ip", "mount", "tar", "openssl"]) {
    if (!onPath(cmd)) return `the command \`${cmd}\` is not installed`;
  }
  const stale = leftovers({ bridge });
  if (stale.length)
    return `an earlier node run left state on this machine: ${stale.join("; ")} (remove it, then run again)`;
  return undefined;
}

export type Sysctls = Map<string, string>;

export function recordSysctls(): Sysctls {
  const values: Sysctls = new Map();
  for (const key of SYSCTLS) {
    try {
      values.set(key, readFileSync(join("/proc/sys", key), "utf8").trim());
    } catch {
      /* not on this kernel */
    }
  }
  return values;
}

/** Writes back every recorded sysctl that now differs; returns the ones it could not restore. */
export function restoreSysctls(before: Sysctls): string[] {
  const failed: string[] = [];
  for (const [key, value] of before) {
    const file = join("/proc/sys", key);
    try {
      if (readFileSync(file, "utf8").trim() !== value) writeFileSync(file, value);
    } catch (e) {
      failed.push(`${key}: ${e instanceof Error ? e.message : e}`);
    }
  }
  return failed;
}

/** The kubepods cgroup folders of every hierarchy, deepest first. */
export function kubepodsCgroups(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
    }
    found.push(dir);
  };
  for (const h of existsSync(CGROUP_ROOT) ? readdirSync(CGROUP_ROOT) : []) {
    const dir = join(CGROUP_ROOT, h, KUBEPODS);
    if (existsSync(dir)) walk(dir);
  }
  return found;
}

/** PIDs inside the kubepods cgroups (the Pods' processes). */
export function kubepodsPids(): number[] {
  const pids = new Set<number>();
  for (const dir of kubepodsCgroups()) {
    try {
      for (const l of readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n")) {
        if (l.trim()) pids.add(Number(l));
      }
    } catch {
      /* removed meanwhile */
    }
  }
  return [...pids];
}

/** PIDs whose command line names `dir` (containerd, the kubelet, every runc shim of this run). */
export function pidsNaming(dir: string): number[] {
  const pids: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, "utf8").includes(dir)) pids.push(Number(e));
    } catch {
      /* exited */
    }
  }
  return pids;
}

export function killPids(pids: number[]) {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

/** Removes the kubepods cgroups (empty ones; a cgroup with a process left stays and is reported). */
export function removeKubepodsCgroups() {
  for (const dir of kubepodsCgroups()) {
    try {
      rmdirSync(dir);
    } catch {
      /* busy: leftovers() reports it */
    }
  }
}

export const linkExists = (name: string) =>
  spawnSync("ip", ["link", "show", "dev", name], { stdio: "ignore" }).status === 0;

/** What is left on the machine of a node run: empty when nothing. `dir` is the run's folder. */
export function leftovers(o: {
  bridge: string;
  dir?: string;
  sysctls?: Sysctls;
  /** The FIXED_PATHS that existed before the run. */
  pathsBefore?: string[];
}): string[] {
  const found: string[] = [];
  const made = o.pathsBefore ? existingFixedPaths().filter(p => !o.pathsBefore?.includes(p)) : [];
  if (made.length) found.push(`paths ${made.join(", ")}`);
  const pids = [...kubepodsPids(), ...(o.dir ? pidsNaming(o.dir) : [])];
  if (pids.length) found.push(`processes ${pids.join(", ")}`);
  const cgroups = kubepodsCgroups();
  if (cgroups.length)
    found.push(`cgroups ${cgroups.slice(-3).join(", ")}${cgroups.length > 3 ? ", ..." : ""}`);
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map(l => l.split(" ")[4])
    .filter(m => m && ((o.dir && m.startsWith(o.dir)) || m.startsWith("/run/containerd")));
  if (mounts.length) found.push(`mounts ${mounts.join(", ")}`);
  if (linkExists(o.bridge)) found.push(`the bridge ${o.bridge}`);
  found.push(...proxyRuleLeftovers());
  for (const [key, value] of o.sysctls ?? []) {
    const now = readFileSync(join("/proc/sys", key), "utf8").trim();
    if (now !== value) found.push(`sysctl ${key.replaceAll("/", ".")}=${now} (was ${value})`);
  }
  return found;
}
