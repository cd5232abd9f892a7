import type { PodView } from "./stuck";
import { buildOwnerKey, RECREATE_BACKOFF_MAX_MS, RecreateBackoff } from "./stuck-recreate";

const MIN = 60_000;
const rsOwner = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "rs-uid" };
const owned = (controller: boolean | undefined): PodView => ({
  metadata: { name: "web-1-x", ownerReferences: [{ ...rsOwner, controller }] },
});

describe("buildOwnerKey", () => {
  it.each<[string, PodView, string | undefined]>([
    ["the controller's uid", owned(true), "rs-uid"],
    ["a bare Pod", { metadata: { name: "bare" } }, undefined],
    ["an owner that is not the controller", owned(false), undefined],
    ["controller unset", owned(undefined), undefined],
  ])("%s", (_name, pod, key) => {
    expect(buildOwnerKey(pod)).toBe(key);
  });
});

describe("RecreateBackoff (injected clock)", () => {
  it("allows one recreation per owner, then waits 1, 2, 4 … minutes, at most an hour", () => {
    const b = new RecreateBackoff();
    let now = 0;
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      expect(b.allows("rs", now)).toBe(true);
      b.record("rs", now);
      let wait = 0;
      while (!b.allows("rs", now + wait)) wait += MIN / 4;
      waits.push(wait / MIN);
      now += wait;
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it("keeps owners apart", () => {
    const b = new RecreateBackoff();
    b.record("a", 0);
    expect(b.allows("a", 1)).toBe(false);
    expect(b.allows("b", 1)).toBe(true);
  });

  it("starts again at 1 minute once an owner had no recreation for two hours, and forgets it", () => {
    const b = new RecreateBackoff();
    for (const t of [0, 1, 3, 7].map(m => m * MIN)) b.record("rs", t);
    const later = 7 * MIN + 2 * RECREATE_BACKOFF_MAX_MS;
    expect(b.allows("rs", later)).toBe(true);
    b.record("rs", later);
    expect(b.allows("rs", later + MIN - 1)).toBe(false);
    expect(b.allows("rs", later + MIN)).toBe(true);
    b.record("other", later + 5 * RECREATE_BACKOFF_MAX_MS);
    expect(b.size).toBe(1);
  });
});
