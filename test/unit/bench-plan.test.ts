// The scale benchmark's sizes and phases, its many-managers phase (issue 26 #5), CPU per 1,000 writes (#3), the
// N = 10,000 targets (#4) and the chart (#7): the pure helpers of bench/scale-plan.ts and the reports built on them.
import {
  buildFloorItems,
  buildManyManagers,
  expectedSecrets,
  manyBounds,
  mergedPatches,
  parsePhases,
  parseSizes,
  perThousand,
  setupTimeoutMs,
} from "../../bench/scale-plan";
import { buildCpuRows } from "../../bench/scale-cpu-rows";
import { largeTargets, manyProblems, manyTargets } from "../../bench/scale-many-report";
import type { ManyRun } from "../../bench/scale-many";
import type { NResult, Run } from "../../bench/scale-report";
import { chart } from "../../bench/scale-svg";

describe("sizes and phases", () => {
  it("measures up to 10,000 in the full run and keeps the quick run at 100 and 1,000", () => {
    expect(parseSizes(undefined, false)).toEqual([100, 1000, 5000, 10000]);
    expect(parseSizes(undefined, true)).toEqual([100, 1000]);
    expect(parseSizes("200", false)).toEqual([200]);
  });

  it("adds the many-managers phase to the full run only, unless told", () => {
    expect([...parsePhases(undefined, false)]).toEqual(["many"]);
    expect([...parsePhases(undefined, true)]).toEqual([]);
    expect([...parsePhases("many", true)]).toEqual(["many"]);
    expect([...parsePhases("none", false)]).toEqual([]);
    expect(() => parsePhases("manny", false)).toThrow('unknown phase "manny"');
  });

  it("waits for a set's ServiceAccounts longer than 5 minutes only above 3,000 namespaces", () => {
    expect(setupTimeoutMs(1000)).toBe(300_000);
    expect(setupTimeoutMs(10000)).toBe(1_000_000);
  });
});

describe("the many-managers phase", () => {
  const list = ["c3-00000", "c3-00001", "c3-00002"];

  it("builds cluster managers with their own registries and one namespaced manager per namespace", () => {
    const { cluster, own } = buildManyManagers({ set: "cheiron" }, list, 5, 2);
    expect(cluster.map(m => m.spec.secrets[0].registry)).toEqual([
      "registry-0.example.com",
      "registry-1.example.com",
      "registry-2.example.com",
      "registry-3.example.com",
      "registry-4.example.com",
    ]);
    expect(cluster[0].spec.namespaceSelector).toEqual({ matchLabels: { set: "cheiron" } });
    expect(own.map(m => m.metadata)).toEqual([
      { name: "bench-own", namespace: "c3-00000" },
      { name: "bench-own", namespace: "c3-00001" },
    ]);
  });

  it("expects every cluster manager's Secret everywhere and the namespaced one where it is", () => {
    const of = expectedSecrets(2, new Set(["c3-00000"]));
    expect(of("c3-00000")).toEqual(["bench-many-0", "bench-many-1", "bench-own"]);
    expect(of("c3-00001")).toEqual(["bench-many-0", "bench-many-1"]);
  });

  it("bounds the writes: 5N Secrets (+100), 3N patches at least, one per ServiceAccount and manager at most", () => {
    expect(manyBounds(1000, 5, 0)).toEqual({
      secrets: 5000,
      leastPatches: 3000,
      mostPatches: 15000,
    });
    expect(manyBounds(1000, 5, 100)).toEqual({
      secrets: 5100,
      leastPatches: 3000,
      mostPatches: 15300,
    });
    expect(manyBounds(50, 5, 100).secrets).toBe(300);
    expect(mergedPatches(15000, 3000)).toBe(12000);
  });

  it("gives the floor the same Secrets and one patch per ServiceAccount", () => {
    const items = buildFloorItems(
      list.slice(0, 2),
      ns => (ns === "c3-00000" ? ["a", "b"] : ["a"]),
      ["default", "x"],
    );
    expect(items).toEqual([
      { ns: "c3-00000", secret: "a", sa: "" },
      { ns: "c3-00000", secret: "b", sa: "" },
      { ns: "c3-00000", secret: "", sa: "default" },
      { ns: "c3-00000", secret: "", sa: "x" },
      { ns: "c3-00001", secret: "a", sa: "" },
      { ns: "c3-00001", secret: "", sa: "default" },
      { ns: "c3-00001", secret: "", sa: "x" },
    ]);
  });
});

const manyRun = (over: Partial<ManyRun> = {}): ManyRun => ({
  ...{
    label: "5 cluster",
    clusterManagers: 5,
    namespacedManagers: 0,
    converged: true,
    seconds: 12,
  },
  ...{ secrets: 5000, expectedSecrets: 5000, serviceAccountPatches: 3000, leastPatches: 3000 },
  ...{ mostPatches: 15000, merged: 12000, failed: 0, events: 5, status: 10, other: 5 },
  cpu: { watcher: 4, admission: 0.2, bench: 1, "kube-apiserver": 8 },
  floor: {
    writes: 8000,
    seconds: 10,
    cpu: { bench: 2 },
    webhookCalls: 0,
    speed: { before: 1, after: 1 },
  },
  ...over,
});

const result = (over: Partial<NResult> = {}) =>
  ({
    n: 1000,
    fanOut: {
      writes: { work: 4000 },
      minimum: 4000,
      cpu: { watcher: 2, admission: 0.4, bench: 9 },
    },
    pureFloorCpu: { c32: { watcher: 0, admission: 0, bench: 1.6, "kube-apiserver": 4 } },
    cheironPeak: { watcher: { rssMB: 240 }, admission: { rssMB: 300 } },
    containment: {
      watcher: { limitMiB: 512, oomKills: 0 },
      admission: { limitMiB: 512, oomKills: 0 },
    },
    ...over,
  }) as unknown as NResult;

describe("CPU-seconds per 1,000 writes", () => {
  it("is NaN without writes or a reading", () => {
    expect(perThousand(2, 4000)).toBe(0.5);
    expect(perThousand(2, 0)).toBeNaN();
    expect(perThousand(undefined, 10)).toBeNaN();
  });

  it("shows the module processes for Cheiron's phases and the client for the floors", () => {
    const rows = buildCpuRows(result({ many: [manyRun()] }));
    const by = Object.fromEntries(rows.map(r => [r.phase, r]));
    expect(by["fan-out"]).toMatchObject({ writes: 4000, watcher: 0.5, admission: 0.1 });
    expect(by["fan-out"].client).toBeNaN();
    expect(by["pure floor c32"]).toMatchObject({ writes: 4000, client: 0.4, apiserver: 1 });
    expect(by["5 cluster managers"]).toMatchObject({ writes: 8000, watcher: 0.5, apiserver: 1 });
    expect(by["pure floor c32 for them"]).toMatchObject({ writes: 8000, client: 0.25 });
  });
});

describe("the many-managers verdicts", () => {
  const run = (r: NResult) => ({ results: [r] }) as unknown as Run;

  it("judges the 5 cluster managers against 1.5 x the pure floor and reports what was merged", () => {
    const [line] = manyTargets(run(result({ many: [manyRun()] })));
    expect(line).toContain("12.00 s / 10.00 s = 1.20 x, met");
    expect(line).toContain("3000 ServiceAccount writes (least 3000, at most 15000: 12000 merged)");
    const [slow] = manyTargets(run(result({ many: [manyRun({ seconds: 16 })] })));
    expect(slow).toContain("1.60 x, NOT met");
  });

  it("calls wrong Secret counts, patches out of bounds and webhook calls in the floor wrong", () => {
    const bad = manyRun({ secrets: 4999, serviceAccountPatches: 15001, converged: false });
    bad.floor.webhookCalls = 3;
    expect(manyProblems(result({ many: [bad] }))).toEqual([
      "N=1000, 5 cluster managers: did not converge",
      "N=1000, 5 cluster managers: 4999 Secret writes, expected 5000",
      "N=1000, 5 cluster managers: 15001 ServiceAccount writes, outside 3000..15000",
      "N=1000, 5 cluster managers: the pure floor made 3 webhook calls",
    ]);
    expect(manyProblems(result({ many: [manyRun()] }))).toEqual([]);
  });

  it("judges both processes' RSS at N = 10,000 inside their cgroups", () => {
    const lines = largeTargets(run(result({ n: 10000 })));
    expect(lines).toEqual([
      "watcher peak RSS at N=10000 <= 256 MB: 240 MB (in its 512 MiB cgroup, 0 OOM kills), met",
      "admission peak RSS at N=10000 <= 256 MB: 300 MB (in its 512 MiB cgroup, 0 OOM kills), NOT met",
    ]);
  });
});

describe("the chart", () => {
  it("draws the three lines against N up to 10,000", () => {
    const points = [100, 1000, 10000].map(n => ({ n, seconds: n / 100 }));
    const svg = chart("t", [
      { name: "Cheiron", color: "#d62728", points },
      { name: "pure floor (no webhook), best", color: "#2ca02c", points },
      { name: "floor with webhook, best", color: "#1f77b4", points },
    ]);
    expect(svg).toContain(">10,000</text>");
    expect(svg.match(/<path /g)).toHaveLength(3);
    expect(svg).toContain("Cheiron: N=10000, 100.00 s");
  });
});
