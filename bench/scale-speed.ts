// How fast the machine is right now: the same fixed CPU work on both cores at once, timed. The fan-out and the
// floor it is compared with run minutes apart, and this 2-core machine has changed speed by up to 50 % between
// runs; a probe right before and right after each measured phase tells whether the two phases met the same
// machine (the phases themselves are CPU-bound, so their times scale with its speed).
import { Worker } from "node:worker_threads";
import { CpuMeter, SETTLE_PROCESSES, waitCpuIdle } from "./scale-cpu";

// JSON work (as the module and the benchmark do) and hashing (native code), about 100 ms on the development
// machine when it is quiet.
const WORK = `
const { createHash } = require("node:crypto");
const { parentPort, workerData } = require("node:worker_threads");
const doc = { metadata: { name: "probe", labels: { a: "b".repeat(64) } }, items: Array.from({ length: 32 }, (_, i) => ({ i, s: "x".repeat(24) })) };
const block = Buffer.alloc(16384, 7);
parentPort.once("message", () => {
  const t0 = performance.now();
  let h = Buffer.alloc(32);
  for (let i = 0; i < workerData; i++) {
    doc.metadata.name = JSON.parse(JSON.stringify(doc)).metadata.name;
    h = createHash("sha256").update(block).update(h).digest();
  }
  parentPort.postMessage(performance.now() - t0);
});
`;
const ITERATIONS = 2500;

function timeOnce(workers: Worker[]): Promise<number> {
  return Promise.all(
    workers.map(
      w =>
        new Promise<number>((resolve, reject) => {
          w.once("message", resolve);
          w.once("error", reject);
          w.postMessage("go");
        }),
    ),
  ).then(ms => Math.max(...ms));
}

/**
 * Milliseconds the fixed work took on two threads at once: the best of `rounds` tries (a try the scheduler
 * disturbed only comes out slower). One try per round, on fresh threads (warm code would flatter later rounds).
 */
export async function probeSpeed(rounds = 5, iterations = ITERATIONS): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const workers = [0, 1].map(() => new Worker(WORK, { eval: true, workerData: iterations }));
    try {
      await Promise.all(workers.map(w => new Promise(ok => w.once("online", ok))));
      best = Math.min(best, await timeOnce(workers));
    } finally {
      await Promise.all(workers.map(w => w.terminate()));
    }
  }
  return Math.round(best * 10) / 10;
}

/** Probes right before and right after one measured phase (milliseconds). */
export interface SpeedProbes {
  before: number;
  after: number;
}

/**
 * How much slower the machine was around phase `a` than around phase `b`, as a fraction (0.2: 20 % slower;
 * negative: faster), from the mean of each phase's two probes.
 */
export function speedDrift(a: SpeedProbes, b: SpeedProbes): number {
  const mean = (p: SpeedProbes) => (p.before + p.after) / 2;
  return mean(a) / mean(b) - 1;
}

/** A drift this large (either way) makes a ratio of the two phases' times say more about the machine. */
export const SPEED_DRIFT_LIMIT = 0.15;

export function describeDrift(drift: number): string {
  const pct = `${Math.abs(drift * 100).toFixed(0)} %`;
  const way = drift >= 0 ? "slower" : "faster";
  const verdict =
    Math.abs(drift) > SPEED_DRIFT_LIMIT
      ? "the ratio compares two different machine speeds"
      : "comparable";
  return `machine ${pct} ${way} around the fan-out than around the floor's best (${verdict})`;
}

/**
 * The probe after a phase, once what the phase set going has settled (it would slow the probe down): the
 * module, the control plane, and this process (it parses the phase's audit log and watch events).
 */
export async function probeAfter(meter: CpuMeter): Promise<number> {
  await waitCpuIdle(meter, [...SETTLE_PROCESSES, "bench"], { busy: 0.15, timeoutMs: 60_000 });
  return probeSpeed();
}
