// Pepr's `cheiron.pepr.dev/cheiron` stamp is dropped from admission patches; everything else is kept.
import { applyPatch, compare } from "fast-json-patch";
import { buildStampFreePatch, stripPeprStamp } from "./patch";
import {
  admitServiceAccount,
  entry,
  ours,
  serviceAccount,
  world,
} from "../../test/unit/helpers/requests";
import { namespacedManager } from "../../test/unit/helpers/fixtures";

const STAMP = "cheiron.pepr.dev/cheiron";
const STAMP_PATH = "/metadata/annotations/cheiron.pepr.dev~1cheiron";
const RW_PATH = "/metadata/annotations/cheiron.anny.co~1reconcile-with";
const refs = { op: "add", path: "/imagePullSecrets", value: [{ name: "regcred" }] };
const encode = (ops: unknown) => Buffer.from(JSON.stringify(ops)).toString("base64");
const decode = (patch: string) => JSON.parse(Buffer.from(patch, "base64").toString("utf8"));

describe("buildStampFreePatch", () => {
  it.each([
    [
      "stamp-only, new annotations map",
      [{ op: "add", path: "/metadata/annotations", value: { [STAMP]: "succeeded" } }],
      [],
    ],
    ["stamp-only, existing annotations", [{ op: "add", path: STAMP_PATH, value: "succeeded" }], []],
    [
      "stamp-only, stamp already there",
      [{ op: "replace", path: STAMP_PATH, value: "succeeded" }],
      [],
    ],
    [
      "stamp plus ours, new annotations map",
      [
        refs,
        {
          op: "add",
          path: "/metadata/annotations",
          value: { [STAMP]: "succeeded", ...ours("regcred") },
        },
      ],
      [refs, { op: "add", path: "/metadata/annotations", value: ours("regcred") }],
    ],
    [
      "existing annotations: only the stamp's per-key op dropped",
      [
        refs,
        { op: "add", path: RW_PATH, value: "regcred" },
        { op: "add", path: STAMP_PATH, value: "succeeded" },
      ],
      [refs, { op: "add", path: RW_PATH, value: "regcred" }],
    ],
    [
      "a key that merely starts like the stamp is kept",
      [{ op: "add", path: `${STAMP_PATH}-x`, value: "v" }],
      [{ op: "add", path: `${STAMP_PATH}-x`, value: "v" }],
    ],
    [
      "no stamp: unchanged",
      [refs, { op: "remove", path: RW_PATH }],
      [refs, { op: "remove", path: RW_PATH }],
    ],
  ])("%s", (_, ops, want) => {
    expect(buildStampFreePatch(ops, STAMP)).toEqual(want);
  });

  it("escapes ~ and / in the stamp key as JSON Pointer does", () => {
    const ops = [{ op: "add", path: "/metadata/annotations/a~0b~1c", value: "x" }, refs];
    expect(buildStampFreePatch(ops, "a~b/c")).toEqual([refs]);
  });
});

describe("stripPeprStamp on a mutate response", () => {
  it.each([
    [
      "stamp-only patch: no patch at all",
      [{ op: "add", path: STAMP_PATH, value: "succeeded" }],
      undefined,
    ],
    [
      "stamp plus ours: ours kept",
      [refs, { op: "add", path: "/metadata/annotations", value: { [STAMP]: "started", a: "b" } }],
      [refs, { op: "add", path: "/metadata/annotations", value: { a: "b" } }],
    ],
    [
      "existing annotations: per-key op dropped",
      [refs, { op: "add", path: STAMP_PATH, value: "x" }],
      [refs],
    ],
  ])("%s", (_, ops, want) => {
    const res = { uid: "u", allowed: true, patchType: "JSONPatch" as const, patch: encode(ops) };
    stripPeprStamp(res);
    if (want === undefined) {
      expect(res).toEqual({ uid: "u", allowed: true });
    } else {
      expect(res.patchType).toBe("JSONPatch");
      expect(decode(res.patch)).toEqual(want);
    }
  });

  it("leaves a response without a stamp byte for byte alone, and one without a patch", () => {
    const patch = encode([refs]);
    const res = { uid: "u", allowed: true, patchType: "JSONPatch" as const, patch };
    stripPeprStamp(res);
    expect(res).toEqual({ uid: "u", allowed: true, patchType: "JSONPatch", patch });
    const none = { uid: "u", allowed: true };
    stripPeprStamp(none);
    expect(none).toEqual({ uid: "u", allowed: true });
  });
});

describe("round trip: handler, Pepr's stamp and patch, stripped", () => {
  beforeEach(() => world([namespacedManager("pull", "team-a", { secrets: [entry("regcred")] })]));

  it.each([
    ["no annotations", undefined, ours("regcred", "ipsm.team-a.pull")],
    ["user annotations", { team: "a" }, { team: "a", ...ours("regcred", "ipsm.team-a.pull") }],
  ])("%s: the stored object is the handler's result without the stamp", async (_, ann, want) => {
    const sent = serviceAccount(ann);
    const mutated = await admitServiceAccount(sent);
    const stamped = structuredClone(mutated);
    stamped.metadata!.annotations = { ...stamped.metadata?.annotations, [STAMP]: "succeeded" };
    const res = { uid: "u", allowed: true, patch: encode(compare(sent, stamped)) };
    stripPeprStamp(res);
    const stored = applyPatch(structuredClone(sent), decode(res.patch)).newDocument;
    expect(stored).toEqual(mutated);
    expect(stored.metadata?.annotations).toEqual(want);
  });
});
