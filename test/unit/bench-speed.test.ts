// The benchmark probes the machine's speed around each measured phase (bench/scale-speed.ts).
import { describeDrift, probeSpeed, speedDrift } from "../../bench/scale-speed";
import { describeSpeed, NResult } from "../../bench/scale-report";

describe("speedDrift", () => {
  it.each<[string, [number, number], [number, number], number]>([
    ["same speed", [100, 100], [100, 100], 0],
    ["20 % slower around the first phase", [120, 120], [100, 100], 0.2],
    ["faster around the first phase", [90, 110], [125, 125], -0.2],
    ["each phase's two probes averaged", [100, 140], [100, 100], 0.2],
  ])("%s", (_, a, b, expected) => {
    const drift = speedDrift({ before: a[0], after: a[1] }, { before: b[0], after: b[1] });
    expect(drift).toBeCloseTo(expected, 6);
  });
});

describe("describeDrift", () => {
  it.each<[number, string]>([
    [0.05, "machine 5 % slower around the fan-out than around the floor's best (comparable)"],
    [-0.1, "machine 10 % faster around the fan-out than around the floor's best (comparable)"],
    [
      0.3,
      "machine 30 % slower around the fan-out than around the floor's best (the ratio compares two different machine speeds)",
    ],
    [
      -0.2,
      "machine 20 % faster around the fan-out than around the floor's best (the ratio compares two different machine speeds)",
    ],
  ])("%f", (drift, text) => expect(describeDrift(drift)).toBe(text));
});

describe("describeSpeed", () => {
  const result = (fanOut: object, floorSpeed?: object) =>
    ({ n: 1000, fanOut, floor: { c8: 8, c32: 6 }, floorSpeed }) as unknown as NResult;

  it("compares the fan-out with the floor run that had the best time (c32 here)", () => {
    const r = result(
      { speed: { before: 130, after: 130 } },
      { c8: { before: 130, after: 130 }, c32: { before: 100, after: 100 } },
    );
    expect(describeSpeed(r)).toContain("30 % slower");
  });

  it("says nothing for a run without probes (results from before they existed)", () => {
    expect(describeSpeed(result({}))).toBe("");
  });
});

describe("probeSpeed", () => {
  it("runs its work on two threads and returns how long it took", async () => {
    const ms = await probeSpeed(1, 20);
    expect(Number.isFinite(ms)).toBe(true);
    expect(ms).toBeGreaterThan(0);
  });
});
