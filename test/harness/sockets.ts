// Counting a process's TCP connections to one port, from /proc (its socket fds joined with the netns tables).
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * Connections of `pid` whose remote port is `port`: "established" ones only, or every "open" one (any state
 * but LISTEN, so a connection closing still counts until its descriptor is closed).
 */
export function countConnections(
  pid: number,
  port: number,
  states: "established" | "open" = "established",
): number {
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
    let text = "";
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.trim().split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const remotePort = parseInt(cols[2].split(":")[1], 16);
      const counted = states === "established" ? cols[3] === "01" : cols[3] !== "0A";
      if (counted && remotePort === port && inodes.has(cols[9])) n++;
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
