// Version order (etcd revisions, uid for incarnations) and the bounds on remembered deletes.
import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { compareVersions, isBuriedBy, Tombstones } from "./versions";

describe("versions", () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it.each([
    ["10", "9", 1],
    ["9", "10", -1],
    ["10", "10", 0],
    ["18446744073709551617", "18446744073709551616", 1],
    ["a", "b", undefined],
    [undefined, "1", undefined],
  ])("compareVersions(%s, %s) = %s", (a, b, want) => {
    expect(compareVersions(a, b)).toBe(want);
  });

  it.each([
    [{ uid: "u1", resourceVersion: "9" }, { uid: "u1", resourceVersion: "5" }, true],
    [{ uid: "u2", resourceVersion: "4" }, { uid: "u1", resourceVersion: "5" }, true],
    [{ uid: "u2", resourceVersion: "6" }, { uid: "u1", resourceVersion: "5" }, false],
    [{ resourceVersion: "5" }, { resourceVersion: "5" }, true],
    [{ resourceVersion: "x" }, { resourceVersion: "y" }, false],
  ])("isBuriedBy(%j, %j) = %s", (copy, gone, want) => {
    expect(isBuriedBy(copy, gone)).toBe(want);
  });

  it("forgets a delete after its time", () => {
    jest.useFakeTimers();
    const t = new Tombstones(1000, 10);
    t.add("a/x", { uid: "u1", resourceVersion: "5" });
    jest.advanceTimersByTime(999);
    expect(t.buries("a/x", { uid: "u1" })).toBe(true);
    jest.advanceTimersByTime(1);
    expect(t.buries("a/x", { uid: "u1" })).toBe(false);
    expect(t.size).toBe(0);
  });

  it("keeps at most max deletes, forgetting the oldest first", () => {
    const t = new Tombstones(60_000, 2);
    t.add("a/x", { uid: "u1" });
    t.add("a/y", { uid: "u2" });
    t.add("a/x", { uid: "u3" }); // remembered again: now the newest
    t.add("a/z", { uid: "u4" });
    expect(t.size).toBe(2);
    expect(t.buries("a/y", { uid: "u2" })).toBe(false);
    expect(t.buries("a/x", { uid: "u3" })).toBe(true);
    expect(t.buries("a/z", { uid: "u4" })).toBe(true);
  });
});
