// Issue 11 #4 and the reverse race of #1: entries are recorded with the manager that added them
// (cheiron.anny.co/attached-by). Before, reconcile-with held names only: releasing one manager stripped every
// entry of that name, and a controller that had not seen a new manager yet removed that manager's entries.
import { mergeImagePullSecrets, MergeOptions, parseAttachedBy } from "./references";

const RW = "cheiron.anny.co/reconcile-with";
const AB = "cheiron.anny.co/attached-by";
const refs = (names: string) => (names ? names.split(",").map(name => ({ name })) : []);
const record = (names: string, by: string) => ({
  [RW]: names,
  [AB]: by,
  "cheiron.anny.co/reconcilable": "true",
  "cheiron.anny.co/reconciled": "true",
});
const known = new Set(["cipsm.a", "cipsm.b"]);

describe("parseAttachedBy", () => {
  it.each([
    ["", {}],
    ["x=cipsm.a", { x: "cipsm.a" }],
    [" x=cipsm.a , y=ipsm.ns.b ,bad,=z", { x: "cipsm.a", y: "ipsm.ns.b" }],
  ])("%j", (value, want) => expect(parseAttachedBy(value)).toEqual(want));
});

describe("mergeImagePullSecrets with owners", () => {
  it.each<
    [
      string,
      string,
      Record<string, string>,
      string[],
      MergeOptions,
      string,
      string | undefined,
      string | undefined,
    ]
  >([
    [
      "records the owner of what it adds",
      "u",
      {},
      ["x"],
      { owners: { x: "cipsm.a" } },
      "u,x",
      "x",
      "x=cipsm.a",
    ],
    [
      "an entry of a manager the controller does not know yet is kept",
      "x,y",
      record("x,y", "x=cipsm.a,y=cipsm.new"),
      ["x"],
      { owners: { x: "cipsm.a" }, isReleasable: o => o === undefined || known.has(o) },
      "x,y",
      "x,y",
      "x=cipsm.a,y=cipsm.new",
    ],
    [
      "an entry of a known manager that no longer wants it is removed",
      "x,y",
      record("x,y", "x=cipsm.a,y=cipsm.b"),
      ["x"],
      { owners: { x: "cipsm.a" }, isReleasable: o => o === undefined || known.has(o) },
      "x",
      "x",
      "x=cipsm.a",
    ],
    [
      "orphaning b releases b's entry only: a's entry of another name stays recorded as a's",
      "x,y",
      record("x,y", "x=cipsm.a,y=cipsm.b"),
      ["x"],
      { owners: { x: "cipsm.a" }, release: (_n, o) => o === "cipsm.b" },
      "x,y",
      "x",
      "x=cipsm.a",
    ],
    [
      "orphaning b never releases a's entry of the same name b also lists",
      "x",
      record("x", "x=cipsm.a"),
      ["x"],
      { owners: { x: "cipsm.a" }, release: (_n, o) => o === "cipsm.b" },
      "x",
      "x",
      "x=cipsm.a",
    ],
    [
      "an entry recorded before attached-by existed gets its owner",
      "u,x",
      { [RW]: "x", "cheiron.anny.co/reconcilable": "true", "cheiron.anny.co/reconciled": "true" },
      ["x"],
      { owners: { x: "cipsm.a" } },
      "u,x",
      "x",
      "x=cipsm.a",
    ],
    [
      "the last entry removed: the record goes with it",
      "u,x",
      record("x", "x=cipsm.a"),
      [],
      { owners: {} },
      "u",
      undefined,
      undefined,
    ],
  ])("%s", (_what, list, annotations, desired, opts, wantList, wantRW, wantAB) => {
    const merge = mergeImagePullSecrets(refs(list), annotations, desired, opts);
    expect(merge.imagePullSecrets.map(r => r.name).join(",")).toBe(wantList);
    const after = { ...annotations, ...merge.annotations };
    expect(after[RW]).toBe(wantRW);
    expect(after[AB]).toBe(wantAB);
  });
});

describe("who may change a recorded owner", () => {
  it.each<[string, MergeOptions, string]>([
    ["admission never changes a recorded owner", { owners: { x: "cipsm.a" } }, "x=ipsm.n.local"],
    [
      "the controller (authoritative) corrects it",
      { owners: { x: "cipsm.a" }, authoritative: true },
      "x=cipsm.a",
    ],
  ])("%s", (_what, opts, want) => {
    const merge = mergeImagePullSecrets(refs("x"), record("x", "x=ipsm.n.local"), ["x"], opts);
    expect({ ...record("x", "x=ipsm.n.local"), ...merge.annotations }[AB]).toBe(want);
  });
});
