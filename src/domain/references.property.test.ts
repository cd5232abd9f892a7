// Properties of mergeImagePullSecrets and buildAdditiveReferences over random lists, bookkeeping annotations
// and options: user entries survive in order, nothing is duplicated, only recorded entries are ever removed,
// and merging the result again changes nothing.
import fc from "fast-check";
import {
  ANNOTATION_ATTACHED_BY,
  ANNOTATION_RECONCILABLE,
  ANNOTATION_RECONCILE_WITH,
  ANNOTATION_RECONCILED,
} from "../constants";
import type { ReferenceMerge } from "./model";
import { buildAdditiveReferences, mergeImagePullSecrets, MergeOptions } from "./references";
import { MANAGER_IDS, NAMES, RUNS } from "../../test/unit/helpers/arbitraries";

// Current entries: Secret names, an empty or missing name, and names users may write that Cheiron never would.
const listName = fc.constantFrom(...NAMES, "", " a", "a,b", "ü-ñ");
const current = fc.array(fc.oneof(fc.record({ name: listName }), fc.constant({})), {
  maxLength: 8,
});
const sep = fc.constantFrom(",", ", ", " ,", ",,");
const joined = <T>(items: fc.Arbitrary<T[]>, show: (t: T) => string) =>
  fc.tuple(items, sep).map(([xs, s]) => xs.map(show).join(s));
const annotations = fc.record(
  {
    [ANNOTATION_RECONCILE_WITH]: joined(
      fc.array(fc.constantFrom(...NAMES), { maxLength: 5 }),
      n => n,
    ),
    [ANNOTATION_ATTACHED_BY]: joined(
      fc.array(fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...MANAGER_IDS)), {
        maxLength: 5,
      }),
      ([n, id]) => `${n}=${id}`,
    ),
    [ANNOTATION_RECONCILABLE]: fc.constantFrom("true", "false"),
    [ANNOTATION_RECONCILED]: fc.constant("true"),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, string>>;
const desired = fc.array(fc.constantFrom(...NAMES), { maxLength: 5 });
// The options of the two callers. Admission: owners (maybe partial), never authoritative, no release. The
// controller: authoritative owners for every desired name, entries of unknown managers kept, and orphaning
// managers released; an orphaning manager is deleting, so it never owns a desired name.
const opts = (d: string[]): fc.Arbitrary<MergeOptions> => {
  const ids = fc.constantFrom(...MANAGER_IDS);
  const admission = fc.record(
    { owners: fc.dictionary(fc.constantFrom(...NAMES), ids) },
    {
      requiredKeys: [],
    },
  );
  const controller = fc
    .record({
      owners: fc
        .tuple(...d.map(() => ids))
        .map(o => Object.fromEntries(d.map((n, i) => [n, o[i]]))),
      known: fc.subarray(MANAGER_IDS),
      orphans: fc.subarray(MANAGER_IDS),
    })
    .map(({ owners, known, orphans }) => ({
      owners,
      authoritative: true,
      isReleasable: (o?: string) => o === undefined || known.includes(o),
      release: (_n: string, o?: string) =>
        o !== undefined && orphans.includes(o) && !Object.values(owners).includes(o),
    }));
  return fc.oneof(fc.constant({}), admission, controller);
};
const input = fc
  .tuple(current, annotations, desired)
  .chain(([c, a, d]) => opts(d).map(o => [c, a, d, o] as const));

const recorded = (a: Record<string, string>) =>
  new Set(
    (a[ANNOTATION_RECONCILE_WITH] ?? "")
      .split(",")
      .map(s => s.trim())
      .filter(Boolean),
  );
const namesOf = (list: { name?: string }[]) => list.map(e => e.name ?? "");
const firstOccurrences = (xs: string[]) => [...new Set(xs)];
/** The annotations after the merge is applied (undefined removes the key). */
const applied = (a: Record<string, string>, m: ReferenceMerge) => {
  const out = { ...a };
  for (const [k, v] of Object.entries(m.annotations)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
};

describe("mergeImagePullSecrets (property)", () => {
  type Entries = { name?: string }[];
  type Annotations = Record<string, string>;
  const check = (
    f: (c: Entries, a: Annotations, d: string[], o: MergeOptions, m: ReferenceMerge) => void,
  ) =>
    fc.assert(
      fc.property(input, ([c, a, d, o]) => f(c, a, d, o, mergeImagePullSecrets(c, a, d, o))),
      RUNS,
    );

  it("keeps every user entry (a name not recorded in reconcile-with), in order", () =>
    check((c, a, _d, _o, m) => {
      const mine = recorded(a);
      const user = firstOccurrences(namesOf(c).filter(n => n !== "" && !mine.has(n)));
      const isUser = (n: string) => user.includes(n);
      expect(namesOf(m.imagePullSecrets).filter(isUser)).toEqual(user);
    }));

  it("never lists a name twice", () =>
    check((_c, _a, _d, _o, m) => {
      const named = namesOf(m.imagePullSecrets).filter(n => n !== "");
      expect(new Set(named).size).toBe(named.length);
    }));

  it("removes only names recorded in reconcile-with", () =>
    check((c, a, _d, _o, m) => {
      const after = new Set(namesOf(m.imagePullSecrets));
      const removed = namesOf(c).filter(n => n !== "" && !after.has(n));
      for (const n of removed) expect(recorded(a)).toContain(n);
    }));

  it("lists every desired name", () =>
    check((_c, _a, d, _o, m) => {
      for (const n of d) expect(namesOf(m.imagePullSecrets)).toContain(n);
    }));

  it("records only names it lists, and records every name it added", () =>
    check((c, a, _d, _o, m) => {
      const after = applied(a, m);
      const ours = recorded(after);
      for (const n of ours) expect(namesOf(m.imagePullSecrets)).toContain(n);
      const before = new Set(namesOf(c));
      for (const n of namesOf(m.imagePullSecrets))
        if (n !== "" && !before.has(n)) expect(ours).toContain(n);
    }));

  it("is idempotent: merging its own result again is a no-op", () =>
    check((_c, a, d, o, m) => {
      const again = mergeImagePullSecrets(m.imagePullSecrets, applied(a, m), d, o);
      expect(again.changed).toBe(false);
      expect(again.imagePullSecrets).toEqual(m.imagePullSecrets);
    }));

  it("never turns the opt-out reconcilable=false into true", () =>
    check((_c, a, _d, _o, m) => {
      if (a[ANNOTATION_RECONCILABLE] === "false")
        expect(applied(a, m)[ANNOTATION_RECONCILABLE]).toBe("false");
    }));

  it("keeps reconcilable=false on an opted-out ServiceAccount that still holds an unknown manager's entry", () => {
    const a = { [ANNOTATION_RECONCILE_WITH]: "x", [ANNOTATION_ATTACHED_BY]: "x=cipsm.new" };
    const optedOut = { ...a, [ANNOTATION_RECONCILABLE]: "false" };
    const m = mergeImagePullSecrets([{ name: "u" }, { name: "x" }], optedOut, [], {
      isReleasable: o => o === undefined,
      authoritative: true,
    });
    expect(namesOf(m.imagePullSecrets)).toEqual(["u", "x"]);
    expect(applied(optedOut, m)[ANNOTATION_RECONCILABLE]).toBe("false");
  });

  it("reports changed exactly when the list or an annotation differs", () =>
    check((c, a, _d, _o, m) => {
      const same =
        JSON.stringify(namesOf(c)) === JSON.stringify(namesOf(m.imagePullSecrets)) &&
        JSON.stringify(applied(a, m)) === JSON.stringify(a);
      expect(m.changed).toBe(!same);
    }));
});

describe("buildAdditiveReferences (property): admission only adds", () => {
  it("a merge of the additive names never removes a named entry and lists every desired name", () =>
    fc.assert(
      fc.property(input, ([c, a, d, o]) => {
        const additive = buildAdditiveReferences(d, c, a);
        const m = mergeImagePullSecrets(c, a, additive, o);
        const after = namesOf(m.imagePullSecrets);
        for (const n of namesOf(c)) if (n !== "") expect(after).toContain(n);
        for (const n of d) expect(after).toContain(n);
      }),
      RUNS,
    ));
});
