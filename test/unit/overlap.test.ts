import { peakOverlap } from "../harness/overlap";

describe("peakOverlap", () => {
  it.each<[string, [number, number][], number]>([
    ["none", [], 0],
    ["one", [[1, 2]], 1],
    [
      "disjoint",
      [
        [1, 2],
        [3, 4],
      ],
      1,
    ],
    [
      "touching: one ends as the next starts",
      [
        [1, 2],
        [2, 3],
      ],
      1,
    ],
    [
      "nested",
      [
        [1, 10],
        [2, 3],
        [4, 5],
      ],
      2,
    ],
    [
      "three at once, given out of order",
      [
        [5, 9],
        [1, 6],
        [2, 7],
        [8, 9],
      ],
      3,
    ],
    [
      "identical",
      [
        [1, 2],
        [1, 2],
        [1, 2],
        [1, 2],
      ],
      4,
    ],
  ])("%s: %i", (_, intervals, peak) => {
    expect(peakOverlap(intervals)).toBe(peak);
  });
});
