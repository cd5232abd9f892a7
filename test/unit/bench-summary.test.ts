import { buildSummary, replaceSummary } from "../../bench/summary";

const run = {
  startedAt: "2026-12-07T20:00:00.000Z",
  quick: true,
  machine: { node: "v20.20.2", cpus: "2 x CPU" },
  results: [
    {
      n: 1000,
      fanOut: {
        seconds: 7.3281,
        minimum: 4000,
        writes: { work: 4000 },
        afterFanOut: { watcher: { rssMB: 180.96, connections: 17 }, admission: { rssMB: 163.67 } },
      },
      newNamespaces: { p99Ms: 55.58, moduleReactionP99Ms: 11.2 },
      floor: { c8: 9.1, c32: 6.9 },
      pureFloor: { c8: 4.2, c32: 3.05 },
    },
    { n: 100, fanOut: { seconds: 1, minimum: 400, writes: { work: 401 } } },
  ],
  targets: ["fan-out N=1000 writes = minimum: 4000/4000, met"],
};

describe("bench summary", () => {
  it("writes one row per N with what the run measured, and its target lines", () => {
    const block = buildSummary("scale-x.json", run);
    expect(block).toContain(
      "| 1,000 | 7.33 s | 3.05 s | 2.40 × | 6.90 s | 4000 / 4000 | 181.0 MB | 163.7 MB | 17 | 11.2 ms | 55.6 ms |",
    );
    // An older run without the pure floor (or without any floor): dashes, never a ratio to the wrong floor.
    expect(block).toContain(
      "| 100 | 1.00 s | – s | – × | – s | 401 / 400 | – MB | – MB | – | – ms | – ms |",
    );
    expect(block).toContain("| N | fan-out | pure floor (no webhook) | fan-out / pure floor |");
    expect(block).toContain("- fan-out N=1000 writes = minimum: 4000/4000, met");
    expect(block).toContain("`bench/results/scale-x.json` (2026-12-07T20:00:00.000Z, quick");
  });

  it("replaces only the block between the markers, and refuses a page without them", () => {
    const page =
      "head\n<!-- today:begin (written by npm run bench:summary) -->\nold\n<!-- today:end -->\ntail";
    const next = replaceSummary(page, buildSummary("scale-x.json", run));
    expect(next.startsWith("head\n<!-- today:begin")).toBe(true);
    expect(next.endsWith("<!-- today:end -->\ntail")).toBe(true);
    expect(next).not.toContain("old");
    expect(() => replaceSummary("no markers", "x")).toThrow(/no <!-- today:begin/);
  });
});
