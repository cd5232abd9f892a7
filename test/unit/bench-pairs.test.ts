// The scale benchmark repeats the fan-out next to the floor and judges the median ratio (bench/scale-pairs.ts).
import { medianRatio } from "../../bench/scale-pairs";
import { problems, Run, targets } from "../../bench/scale-report";

describe("medianRatio", () => {
  it.each<[string, number, number[], number]>([
    ["one pair: its own ratio", 1.83, [], 1.83],
    ["three pairs: the middle one", 1.83, [1.2, 1.4], 1.4],
    ["the first pair can be the median", 1.3, [1.1, 1.6], 1.3],
    ["an even count: the mean of the middle two", 1.0, [2.0, 1.2, 1.4], 1.3],
  ])("%s", (_, first, further, expected) => {
    expect(
      medianRatio(
        first,
        further.map(ratio => ({ ratio })),
      ),
    ).toBeCloseTo(expected, 9);
  });
});

const pair = (ratio: number, writes = 4000) => ({
  fanOutSeconds: 6 * ratio,
  floorSeconds: 6,
  ratio,
  writes,
  minimum: 4000,
  fanOutCpu: {},
  floorCpu: {},
  fanOutSpeed: { before: 100, after: 100 },
  floorSpeed: { before: 100, after: 100 },
});

/** A run at N = 1,000 whose first fan-out took `seconds` against a floor best of 5 s. */
const runWith = (seconds: number, pairs?: ReturnType<typeof pair>[]) =>
  ({
    results: [
      {
        n: 1000,
        fanOut: { converged: true, seconds, minimum: 4000, writes: { work: 4000 } },
        floor: { c8: 7, c32: 5 },
        overallPeak: { watcher: { connections: 17 } },
        pairs,
      },
    ],
  }) as unknown as Run;

describe("the fan-out target with pairs", () => {
  it("judges the median when pairs ran, and shows every ratio", () => {
    const line = targets(runWith(9, [pair(1.3), pair(1.4)])).find(l => l.includes("floor best"));
    expect(line).toContain("median of 3 pairs 1.40 x, met");
    expect(line).toContain("first pair 1.80 x");
    expect(line).toContain("1.30, 1.40");
  });

  it("is not met when the median is above 1.5", () => {
    const line = targets(runWith(9, [pair(1.6), pair(1.2)])).find(l => l.includes("floor best"));
    expect(line).toContain("median of 3 pairs 1.60 x, NOT met");
  });

  it("judges the one ratio without pairs", () => {
    const line = targets(runWith(7)).find(l => l.includes("floor best"));
    expect(line).toBe("fan-out N=1000 time <= 1.5 x floor best: 1.40 x, met");
  });

  it("counts a pair's writes above the minimum as a wrong result", () => {
    expect(problems(runWith(7, [pair(1.3, 4003)]))).toEqual([
      "N=1000: 4003 module writes in pair 2, minimum 4000",
    ]);
  });
});
