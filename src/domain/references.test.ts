import { buildAdditiveReferences, mergeImagePullSecrets } from "./references";

const RW = "cheiron.anny.co/reconcile-with";
const RA = "cheiron.anny.co/reconcilable";
const RD = "cheiron.anny.co/reconciled";
const ours = (names: string) => ({ [RW]: names, [RA]: "true", [RD]: "true" });
const removed = { [RW]: undefined, [RA]: undefined, [RD]: undefined };
const refs = (names: string) => (names ? names.split(",").map(name => ({ name })) : []);

describe("mergeImagePullSecrets", () => {
  it.each<
    [
      string,
      { name?: string }[] | undefined,
      Record<string, string> | undefined,
      string[],
      string,
      Record<string, string | undefined>,
      boolean,
    ]
  >([
    ["nothing at all", undefined, undefined, [], "", {}, false],
    ["user entries only", refs("u1,u2"), { other: "x" }, [], "u1,u2", {}, false],
    ["add to empty", undefined, undefined, ["a", "b"], "a,b", ours("a,b"), true],
    ["append after user entries", refs("u1"), {}, ["a"], "u1,a", ours("a"), true],
    ["already in place", refs("u1,a"), ours("a"), ["a"], "u1,a", ours("a"), false],
    ["reconciled missing", refs("a"), { [RW]: "a", [RA]: "true" }, ["a"], "a", ours("a"), true],
    ["drop ours no longer desired", refs("a,u1,b"), ours("a,b"), ["b"], "u1,b", ours("b"), true],
    ["drop all ours", refs("a,u1"), ours("a"), [], "u1", removed, true],
    ["user entry with a desired name stays the user's", refs("a"), {}, ["a"], "a", {}, false],
    [
      "user entry with a desired name, plus a new one",
      refs("a"),
      {},
      ["a", "b"],
      "a,b",
      ours("b"),
      true,
    ],
    [
      "duplicates collapse to the first",
      refs("u1,a,u1,a"),
      ours("a"),
      ["a"],
      "u1,a",
      ours("a"),
      true,
    ],
    ["desired duplicates", undefined, {}, ["a", "a", "b"], "a,b", ours("a,b"), true],
    [
      "reconcile-with is trimmed",
      refs("a,b"),
      { ...ours("a"), [RW]: " a , ,b " },
      ["b"],
      "b",
      ours("b"),
      true,
    ],
    [
      "managed list order follows the list",
      refs("b"),
      ours("b"),
      ["a", "b"],
      "b,a",
      ours("b,a"),
      true,
    ],
    ["stale annotations removed", refs("u1"), { [RW]: "" }, [], "u1", removed, true],
    [
      "opt-out kept",
      refs("a"),
      { [RW]: "a", [RA]: "false" },
      [],
      "",
      { [RW]: undefined, [RD]: undefined },
      true,
    ],
  ])("%s", (_, current, annotations, desired, list, expectedAnnotations, changed) => {
    const merge = mergeImagePullSecrets(current, annotations, desired);
    expect(merge.imagePullSecrets.map(e => e.name).join(",")).toBe(list);
    expect(merge.annotations).toEqual(expectedAnnotations);
    expect(Object.keys(merge.annotations).sort()).toEqual(Object.keys(expectedAnnotations).sort());
    expect(merge.changed).toBe(changed);
  });

  it("keeps entries without a name where they are", () => {
    const merge = mergeImagePullSecrets([{}, { name: "u1" }, {}], undefined, ["a"]);
    expect(merge.imagePullSecrets).toEqual([
      { name: "" },
      { name: "u1" },
      { name: "" },
      { name: "a" },
    ]);
    expect(mergeImagePullSecrets([{}, { name: "u1" }], undefined, []).changed).toBe(false);
  });

  it("is idempotent", () => {
    const first = mergeImagePullSecrets(refs("u1,old"), ours("old"), ["a", "b"]);
    const applied = Object.fromEntries(
      Object.entries(first.annotations).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const second = mergeImagePullSecrets(first.imagePullSecrets, applied, ["a", "b"]);
    expect(second.changed).toBe(false);
    expect(second.imagePullSecrets).toEqual(first.imagePullSecrets);
  });
});

describe("buildAdditiveReferences", () => {
  const rw = (v: string) => ({ "cheiron.anny.co/reconcile-with": v });
  it.each([
    ["nothing recorded", ["a"], [{ name: "u" }], undefined, ["a"]],
    [
      "ours still listed are kept",
      ["a"],
      [{ name: "u" }, { name: "old" }],
      rw("old"),
      ["a", "old"],
    ],
    ["ours no longer listed are not brought back", ["a"], [{ name: "u" }], rw("old"), ["a"]],
    ["no duplicates", ["a"], [{ name: "a" }], rw("a"), ["a"]],
  ])("%s", (_, desired, current, annotations, expected) => {
    expect(buildAdditiveReferences(desired, current, annotations)).toEqual(expected);
  });
});
