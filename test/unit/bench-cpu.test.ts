// The benchmark waits for the processes of the run to be idle before a measured phase (bench/scale-cpu.ts).
import { CpuMeter, CpuTimes, waitCpuIdle } from "../../bench/scale-cpu";

/** A meter whose processes use `perWindow[i]` CPU-seconds in the i-th window read, then the last forever. */
function meterUsing(perWindow: number[]): { meter: CpuMeter; reads: () => number } {
  let used = 0;
  let windows = 0;
  const meter = {
    read: (): CpuTimes => ({ watcher: used, admission: used / 2, bench: 99 }),
    since(before: CpuTimes): CpuTimes {
      const busy = perWindow[Math.min(windows, perWindow.length - 1)];
      windows++;
      used += busy;
      return { watcher: used - before.watcher, admission: (used - before.watcher) / 2, bench: 0 };
    },
  } as unknown as CpuMeter;
  return { meter, reads: () => windows };
}

describe("waitCpuIdle", () => {
  // 5 ms windows at 5 % busy: idle means under 0.25 ms of CPU for watcher and admission together (1.5x here).
  it.each([
    ["idle at once", [0], 1],
    ["busy twice, then idle", [0.5, 0.2, 0.0001], 3],
    ["just under the threshold counts as idle", [0.5, 0.00016], 2],
    ["just over it does not", [0.00017, 0.00017, 0], 3],
  ])("%s: waits %p windows", async (_, perWindow, windows) => {
    const { meter, reads } = meterUsing(perWindow);
    await waitCpuIdle(meter, ["watcher", "admission"], { busy: 0.05, windowMs: 5 });
    expect(reads()).toBe(windows);
  });

  it("only the named processes count (the benchmark's own CPU does not)", async () => {
    const { meter, reads } = meterUsing([0]);
    await waitCpuIdle(meter, ["watcher"], { windowMs: 5 });
    expect(reads()).toBe(1);
  });

  it("gives up after the timeout when the processes never go idle", async () => {
    const { meter, reads } = meterUsing([1]);
    const waited = await waitCpuIdle(meter, ["watcher"], { windowMs: 5, timeoutMs: 40 });
    expect(waited).toBeGreaterThanOrEqual(40);
    expect(reads()).toBeGreaterThan(1);
  });
});
