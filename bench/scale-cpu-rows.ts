// CPU-seconds per 1,000 writes (issue 26 #3) of each measured phase of one N, from the CPU seconds the run read
// around it (bench/scale-cpu.ts): the watcher and the admission process for Cheiron's phases, the floor's client
// (the benchmark process, "bench") for the floor runs, and the apiserver for both.
import { perThousand } from "./scale-plan";
import type { NResult } from "./scale-report";

export interface CpuRow {
  phase: string;
  writes: number;
  watcher: number;
  admission: number;
  /** The floor's client (NaN for Cheiron's phases: there the benchmark process only watches). */
  client: number;
  apiserver: number;
}

function row(
  phase: string,
  writes: number,
  cpu: Record<string, number> | undefined,
  floor: boolean,
): CpuRow {
  return {
    phase,
    writes,
    watcher: perThousand(cpu?.watcher, writes),
    admission: perThousand(cpu?.admission, writes),
    client: floor ? perThousand(cpu?.bench, writes) : NaN,
    apiserver: perThousand(cpu?.["kube-apiserver"], writes),
  };
}

export function buildCpuRows(r: NResult): CpuRow[] {
  const out = [row("fan-out", r.fanOut.writes.work, r.fanOut.cpu, false)];
  for (const [i, p] of (r.pairs ?? []).entries()) {
    out.push(row(`fan-out, pair ${i + 2}`, p.writes, p.fanOutCpu, false));
    out.push(row(`pure floor c32, pair ${i + 2}`, p.minimum, p.floorCpu, true));
  }
  for (const [c, cpu] of Object.entries(r.pureFloorCpu ?? {}))
    out.push(row(`pure floor ${c}`, r.fanOut.minimum, cpu, true));
  for (const [c, cpu] of Object.entries(r.floorCpu ?? {}))
    out.push(row(`floor with webhook ${c}`, r.fanOut.minimum, cpu, true));
  for (const m of r.many ?? []) {
    out.push(row(`${m.label} managers`, m.secrets + m.serviceAccountPatches, m.cpu, false));
    out.push(row(`pure floor c32 for them`, m.floor.writes, m.floor.cpu, true));
  }
  return out;
}
