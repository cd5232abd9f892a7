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
const own = "the Pod sets its own imagePullSecrets (regcred): use mode Pod";
const x: StuckPod = { ...pod("x"), blocked: own };
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
    [
      "stuck, one left in place with its reason",
      [a, x],
      [],
      "",
      false,
      [
        "Warning",
        "StuckPods",
        /^1 Pod wait .*: team\/a\. Delete them .* 1 Pod would lack them after a recreation too, so it is left in place: team\/x \(the Pod sets its own imagePullSecrets \(regcred\): use mode Pod\)\.$/,
      ],
    ],
    [
      "stuck, all left in place",
      [x],
      [],
      "",
      true,
      [
        "Warning",
        "StuckPods",
        /^1 Pod wait .*\(created before them\)\. 1 Pod would lack them .*team\/x \(the Pod sets/,
      ],
    ],
    [
      "one deleted, one left in place",
      [a, x],
      [a],
      "",
      true,
      [
        "Normal",
        "RecreatedStuckPods",
        /^Deleted 1 Pod .*team\/a\. 1 Pod would lack them .*: team\/x \(the Pod/,
      ],
    ],
    ["left in place, already reported", [x], [], buildStuckSignature([x]), true, undefined],
    [
      "the same Pod, now left in place: reported again",
      [x],
      [],
      buildStuckSignature([pod("x")]),
      true,
      ["Warning", "StuckPods", /left in place/],
    ],
  ] as const)("%s", (_name, stuck, deleted, reported, recreate, expected) => {
    const e = buildStuckEvent([...stuck], [...deleted], reported, recreate);
    if (!expected) return expect(e).toBeUndefined();
    expect(e?.type).toBe(expected[0]);
    expect(e?.reason).toBe(expected[1]);
    expect(e?.message).toMatch(expected[2]);
  });
});
