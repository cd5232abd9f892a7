// The informer's write-through (an own write is kept and announced, its watch echo is not announced again, anything
// newer is) and waitFor (a read from the watch instead of a GET: after a 409, or a namespace not seen yet).
import { describe, expect, it } from "@jest/globals";
import type { ApiClient } from "./client";
import { ChangeType, Informer, isNewerVersion } from "./informer";

type Obj = { namespace: string; name: string; resourceVersion: string };
type Seen = [ChangeType, string, string] | [ChangeType, string, string, "planned"];

function build() {
  const seen: Seen[] = [];
  const inf = new Informer<Obj>({} as ApiClient, {
    name: "test",
    path: "/api/v1/serviceaccounts",
    slim: raw => {
      const m = (raw as { metadata: Obj & { resourceVersion: string } }).metadata;
      return { namespace: m.namespace, name: m.name, resourceVersion: m.resourceVersion };
    },
    onChange: (type, obj, _old, planned) =>
      seen.push(
        planned
          ? [type, obj.name, obj.resourceVersion, "planned"]
          : [type, obj.name, obj.resourceVersion],
      ),
  });
  const watch = (type: string, name: string, rv: string) =>
    (inf as unknown as { onEvent: (e: unknown) => void }).onEvent({
      type,
      object: { metadata: { namespace: "a", name, resourceVersion: rv } },
    });
  const write = (name: string, rv: string) =>
    inf.upsert({ metadata: { namespace: "a", name, resourceVersion: rv } });
  return { inf, seen, watch, write };
}

describe("Informer write-through", () => {
  it("keeps and announces an own write", () => {
    const { inf, seen, write } = build();
    write("x", "5");
    expect(seen).toEqual([["MODIFIED", "x", "5"]]);
    expect(inf.get("a", "x")?.resourceVersion).toBe("5");
  });

  it("does not announce the watch echo of an own write, but announces a newer change", () => {
    const { seen, watch, write } = build();
    write("x", "5");
    watch("MODIFIED", "x", "5");
    watch("MODIFIED", "x", "4");
    watch("MODIFIED", "x", "7");
    expect(seen).toEqual([
      ["MODIFIED", "x", "5"],
      ["MODIFIED", "x", "7"],
    ]);
  });

  it("marks an own write that is exactly as planned; waiters see it too", async () => {
    const { inf, seen, watch } = build();
    watch("ADDED", "x", "4");
    const waiting = inf.waitFor("a", "x", o => o?.resourceVersion === "5", 1000);
    inf.upsert({ metadata: { namespace: "a", name: "x", resourceVersion: "5" } }, () => true);
    await expect(waiting).resolves.toEqual({
      obj: { namespace: "a", name: "x", resourceVersion: "5" },
    });
    watch("MODIFIED", "x", "5"); // its echo: not announced
    inf.upsert({ metadata: { namespace: "a", name: "x", resourceVersion: "6" } }, () => false);
    expect(seen).toEqual([
      ["ADDED", "x", "4"],
      ["MODIFIED", "x", "5", "planned"],
      ["MODIFIED", "x", "6"],
    ]);
    expect(inf.get("a", "x")?.resourceVersion).toBe("6");
  });

  it("announces an own delete and a watched delete once each", () => {
    const { inf, seen, watch } = build();
    watch("ADDED", "x", "1");
    watch("ADDED", "y", "2");
    inf.remove("a", "x");
    watch("DELETED", "y", "3");
    expect(seen).toEqual([
      ["ADDED", "x", "1"],
      ["ADDED", "y", "2"],
      ["DELETED", "x", "1"],
      ["DELETED", "y", "2"],
    ]);
    expect(inf.size).toBe(0);
  });

  it("waitFor resolves at once when the cache already holds what is wanted", async () => {
    const { inf, write } = build();
    write("x", "5");
    await expect(inf.waitFor("a", "x", o => o?.resourceVersion === "5", 50)).resolves.toEqual({
      obj: { namespace: "a", name: "x", resourceVersion: "5" },
    });
  });

  it("waitFor resolves when the watch brings a newer version, and when the object goes", async () => {
    const { inf, watch } = build();
    watch("ADDED", "x", "5");
    const newer = inf.waitFor("a", "x", o => !o || isNewerVersion(o.resourceVersion, "5"), 5000);
    watch("MODIFIED", "x", "5");
    watch("MODIFIED", "x", "6");
    await expect(newer).resolves.toEqual({
      obj: { namespace: "a", name: "x", resourceVersion: "6" },
    });
    const gone = inf.waitFor("a", "x", o => !o, 5000);
    watch("DELETED", "x", "7");
    await expect(gone).resolves.toEqual({ obj: undefined });
  });

  it("waitFor gives undefined when nothing arrives in time", async () => {
    const { inf } = build();
    await expect(inf.waitFor("a", "missing", o => o !== undefined, 20)).resolves.toBeUndefined();
  });

  it.each([
    ["10", "9", true],
    ["9", "10", false],
    ["10", "10", false],
    ["a", "b", true],
    [undefined, "1", false],
    ["1", undefined, true],
  ])("isNewerVersion(%s, %s) = %s", (a, b, want) => {
    expect(isNewerVersion(a, b)).toBe(want);
  });
});
