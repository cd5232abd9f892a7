// A memory cgroup with a limit, the way a container's memory limit is one. A process started inside it sees the
// limit at start (Node sizes its V8 heap from it: 512 MiB gives a heap limit of about 259 MB and a small heap
// growing factor, where this 24 GB machine gives 4 GB and a factor of up to 4) and is OOM-killed past it.
// cgroup v2 (memory.max) or v1 (memory.limit_in_bytes); needs a writable /sys/fs/cgroup (root). Without one
// the caller runs the process uncontained and says so.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = "/sys/fs/cgroup";

export interface MemoryCgroup {
  dir: string;
  version: 1 | 2;
  limitBytes: number;
  /** Writing a pid here moves that process into the cgroup. */
  procsFile: string;
  /** Processes the kernel killed for exceeding the limit. */
  oomKills(): number;
  /** Removes the (empty) cgroup; a cgroup with processes left is kept. */
  remove(): void;
}

function tryCreate(dir: string, limitFile: string, limitBytes: number): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, limitFile), String(limitBytes));
    return true;
  } catch {
    try {
      rmdirSync(dir);
    } catch {
      // it was never made
    }
    return false;
  }
}

const oomKillsIn = (file: string) => {
  try {
    const m = /^oom_kill (\d+)$/m.exec(readFileSync(file, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
};

/** A new memory cgroup `name` limited to `limitBytes`, or undefined where this machine allows none. */
export function createMemoryCgroup(name: string, limitBytes: number): MemoryCgroup | undefined {
  const v2 = existsSync(join(ROOT, "cgroup.controllers"));
  const dir = v2 ? join(ROOT, name) : join(ROOT, "memory", name);
  const limitFile = v2 ? "memory.max" : "memory.limit_in_bytes";
  if (!tryCreate(dir, limitFile, limitBytes)) return undefined;
  return {
    dir,
    version: v2 ? 2 : 1,
    limitBytes,
    procsFile: join(dir, "cgroup.procs"),
    oomKills: () => oomKillsIn(join(dir, v2 ? "memory.events" : "memory.oom_control")),
    remove: () => {
      try {
        rmdirSync(dir);
      } catch {
        // processes left in it: kept, and the next run uses a new name
      }
    },
  };
}

/**
 * The command and arguments that start `cmd args` inside the cgroup: a shell writes its own pid into the cgroup
 * and then execs the command, so the process is contained from its first instruction and keeps that pid.
 */
export function inCgroup(cg: MemoryCgroup, cmd: string, args: string[]): [string, string[]] {
  return ["/bin/sh", ["-c", 'echo $$ > "$0" && exec "$@"', cg.procsFile, cmd, ...args]];
}

/** A Kubernetes quantity of memory ("512Mi", "1Gi", "500M", "1048576") in bytes; undefined if unreadable. */
export function parseMemoryQuantity(q: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q?.trim() ?? "");
  if (!m) return undefined;
  const unit: Record<string, number> = {
    "": 1,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Math.round(Number(m[1]) * unit[m[2] ?? ""]);
}
