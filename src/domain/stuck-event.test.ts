import { buildStuckEvent, buildStuckSignature } from "./stuck-event";
import type { StuckPod } from "./stuck";

const pod = (name: string, recreatable = true): StuckPod => ({
  namespace: "team",
  name,
  uid: `uid-${name}`,
  recreatable,
  missing: ["ghcr"],
});
const [a, b, c] = [pod("a"), pod("b", false), pod("c")];
const many = Array.from({ length: 8 }, (_, i) => pod(`p${i}`, false));

describe("buildStuckEvent", () => {
  it.each([
    ["nothing stuck", [], [], "", true, undefined],
    ["stuck, already reported", [a, b], [], buildStuckSignature([a, b]), false, undefined],
    [
      "stuck, new",
      [a, b],
      [],
      "",
      false,
      ["Warning", "StuckPods", /^2 Pods wait .*team\/a, team\/b\./],
    ],
    [
      "stuck, one more than reported",
      [a, b, c],
      [],
      buildStuckSignature([a, b]),
      false,
      ["Warning", "StuckPods", /^3 Pods/],
    ],
    [
      "all deleted",
      [a, c],
      [a, c],
      "",
      true,
      ["Normal", "RecreatedStuckPods", /^Deleted 2 Pods .*: team\/a, team\/c\.$/],
    ],
    [
      "one deleted, a bare one left",
      [a, b],
      [a],
      "",
      true,
      [
        "Normal",
        "RecreatedStuckPods",
        /^Deleted 1 Pod .*team\/a\. 1 more stuck Pod left \(bare Pods.*\): team\/b\.$/,
      ],
    ],
    ["dry run", [a], [], "", "dryRun", ["Warning", "StuckPods", /dry run: nothing is deleted/]],
    [
      "many: five names and a count",
      many,
      [],
      "",
      true,
      ["Warning", "StuckPods", /team\/p4 and 3 more\./],
    ],
  ] as const)("%s", (_name, stuck, deleted, reported, recreate, expected) => {
    const e = buildStuckEvent([...stuck], [...deleted], reported, recreate);
    if (!expected) return expect(e).toBeUndefined();
    expect(e?.type).toBe(expected[0]);
    expect(e?.reason).toBe(expected[1]);
    expect(e?.message).toMatch(expected[2]);
  });
});
