// The benchmark's printout: latency per module and kind, the p99 ratio, the counted API calls and one
// decoded patch per module and kind (so a reader sees what work was measured).
import { cpus, loadavg } from "node:os";
import { describeCalls, moduleApiCalls } from "./audit";
import { percentile } from "./load";
import type { Kind, ReviewResponse } from "./reviews";

type Calls = ReturnType<typeof moduleApiCalls>;

export interface Totals {
  latenciesMs: Record<Kind, number[]>;
  seconds: Record<Kind, number>;
  /** CPU time the module process used while it was measured: far less sensitive to other load. */
  cpuMs: Record<Kind, number>;
  /** p99 of each round, to show how much background load moved the figures. */
  roundP99: Record<Kind, number[]>;
  samples: Partial<Record<Kind, ReviewResponse>>;
  startupCalls: Calls;
  calls: Calls;
  /** The highest VmHWM of the module's process over its rounds. */
  peakRssMB: number;
}

export const newTotals = (): Totals => ({
  latenciesMs: { ServiceAccount: [], Pod: [] },
  seconds: { ServiceAccount: 0, Pod: 0 },
  cpuMs: { ServiceAccount: 0, Pod: 0 },
  roundP99: { ServiceAccount: [], Pod: [] },
  samples: {},
  startupCalls: [],
  calls: [],
  peakRssMB: 0,
});

export interface Settings {
  concurrency: number;
  requests: number;
  warmup: number;
  rounds: number;
  targetRatio: number;
  loadBefore: number[];
  /** Namespaces and managers besides the two checked ones (bench/view.ts). */
  view?: { namespaces: number; managers: number };
}

const ms = (v: number) => v.toFixed(2).padStart(8);
const load = (l: number[]) => l.map(v => v.toFixed(1)).join(" ");

export function printReport(results: Record<string, Totals>, s: Settings, kinds: Kind[]) {
  const n = s.requests * kinds.length;
  console.log(
    `\nAdmission latency, ${new Date().toISOString()}: ${s.concurrency} in flight, ${s.requests} requests` +
      ` per kind and module in ${s.rounds} rounds (each after ${s.warmup} warm-up per kind),` +
      ` node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "CPU"},` +
      ` load average ${load(s.loadBefore)} before, ${load(loadavg())} after;` +
      ` view: ${(s.view?.namespaces ?? 0) + 3} namespaces, ${(s.view?.managers ?? 0) + 2} managers`,
  );
  console.log(`module   kind             p50 ms   p90 ms   p99 ms   max ms   req/s  CPU ms/req`);
  for (const kind of kinds) {
    for (const [name, t] of Object.entries(results)) {
      const l = t.latenciesMs[kind];
      const rate = (l.length / t.seconds[kind]).toFixed(0).padStart(7);
      const cpu = (t.cpuMs[kind] / l.length).toFixed(3).padStart(11);
      const p = (q: number) => ms(percentile(l, q));
      console.log(
        `${name.padEnd(8)} ${kind.padEnd(15)} ${p(50)} ${p(90)} ${p(99)} ${ms(Math.max(...l))} ${rate} ${cpu}`,
      );
    }
  }
  for (const kind of kinds) {
    for (const [name, t] of Object.entries(results)) {
      const each = t.roundP99[kind].map(v => v.toFixed(1)).join(", ");
      console.log(`p99 per round, ${name} ${kind}: ${each} ms`);
    }
  }
  for (const kind of kinds) {
    const p99 = (name: string) => percentile(results[name].latenciesMs[kind], 99);
    const ratio = p99("cheiron") / p99("noop");
    const verdict = ratio <= s.targetRatio ? "within" : "ABOVE";
    const cpu = (name: string) =>
      results[name].cpuMs[kind] / results[name].latenciesMs[kind].length;
    console.log(
      `p99 ratio cheiron/noop, ${kind}: ${ratio.toFixed(3)} (${verdict} the target ${s.targetRatio});` +
        ` CPU per request ratio: ${(cpu("cheiron") / cpu("noop")).toFixed(3)}`,
    );
  }
  for (const [name, t] of Object.entries(results))
    console.log(`peak RSS of ${name}'s admission process: ${t.peakRssMB.toFixed(1)} MB`);
  for (const [name, t] of Object.entries(results)) {
    console.log(
      `API calls by ${name} from its first start to the end of its first warm-up: ` +
        `${t.startupCalls.length} (${describeCalls(t.startupCalls)})`,
    );
    const what = t.calls.length ? ` (${describeCalls(t.calls)})` : "";
    console.log(`API calls during ${n} admissions (${name}): ${t.calls.length}${what}`);
  }
  for (const [name, t] of Object.entries(results)) {
    for (const kind of kinds) {
      const patch = t.samples[kind]?.patch;
      const text = patch ? Buffer.from(patch, "base64").toString("utf8") : "(no patch)";
      console.log(`${name} ${kind} patch (decoded): ${text}`);
    }
  }
}
