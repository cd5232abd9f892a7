// Counting a process's TCP connections to one port, from /proc (its socket fds joined with the netns tables).
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** ESTABLISHED connections of `pid` whose remote port is `port`. */
export function countConnections(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // the fd closed while we looked
    }
  }
  let n = 0;
  for (const table of ["tcp", "tcp6"]) {
    const lines = readFileSync(`/proc/${pid}/net/${table}`, "utf8").trim().split("\n").slice(1);
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      const remotePort = parseInt(cols[2].split(":")[1], 16);
      if (cols[3] === "01" && remotePort === port && inodes.has(cols[9])) n++;
    }
  }
  return n;
}

/** The pids of node processes running the module bundle from a folder below `dir`. */
export function modulePids(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cmd.includes("pepr-cheiron.js") && cwd.startsWith(dir)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}
