// CPU time of each process of the run (utime + stime from /proc/<pid>/stat), read around a phase: with 2 cores
// shared by the apiserver, etcd, the controller-manager, both module processes and the benchmark's own client,
// it shows where the machine's time went in the fan-out and in the floor.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // fields 14 and 15 of stat
  } catch {
    return NaN;
  }
}

export type CpuTimes = Record<string, number>;

export class CpuMeter {
  constructor(private readonly pids: Record<string, number>) {}

  /** CPU seconds used so far by each process, and by this benchmark process as "bench". */
  read(): CpuTimes {
    const out: CpuTimes = {};
    for (const [name, pid] of Object.entries(this.pids)) out[name] = cpuSecondsOf(pid);
    const own = process.cpuUsage();
    out.bench = (own.user + own.system) / 1e6;
    return out;
  }

  /** CPU seconds each process used from `before` to now, rounded to 10 ms. */
  since(before: CpuTimes): CpuTimes {
    const now = this.read();
    const out: CpuTimes = {};
    for (const k of Object.keys(now)) out[k] = Math.round((now[k] - before[k]) * 100) / 100;
    return out;
  }
}

/**
 * Resolves once the named processes together used less than `busy` CPU-seconds per second over a whole
 * `windowMs` (they have digested what they were sent), or after `timeoutMs`; returns the milliseconds waited.
 */
export async function waitCpuIdle(
  meter: CpuMeter,
  names: string[],
  { busy = 0.05, windowMs = 1000, timeoutMs = 60_000 } = {},
): Promise<number> {
  const t0 = Date.now();
  const used = (c: CpuTimes) => names.reduce((sum, n) => sum + (c[n] ?? 0), 0);
  while (Date.now() - t0 < timeoutMs) {
    const before = meter.read();
    await new Promise(r => setTimeout(r, windowMs));
    if (used(meter.since(before)) < (busy * windowMs) / 1000) break;
  }
  return Date.now() - t0;
}

/**
 * The processes a measured phase waits on: the module's two and the control plane's three, so that the phase
 * does not share the 2 cores with what is left of the setup before it (in the runs so far that wait found
 * everything idle within 2 s; it is there so that a slow setup cannot leak into a measurement).
 */
export const SETTLE_PROCESSES = [
  "watcher",
  "admission",
  "kube-controller-manager",
  "kube-apiserver",
  "etcd",
];

/** Until the module and the control plane are idle together (under 0.15 of a core for a second); logs the wait. */
export async function waitSettled(meter: CpuMeter, after: string): Promise<void> {
  const ms = await waitCpuIdle(meter, SETTLE_PROCESSES, { busy: 0.15, timeoutMs: 600_000 });
  console.log(`[scale] module and control plane idle ${(ms / 1000).toFixed(1)} s after ${after}`);
}

export function formatCpu(c: CpuTimes): string {
  const total = Object.values(c).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  return `${Object.entries(c)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(", ")} (total ${total.toFixed(2)} s)`;
}

const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}
