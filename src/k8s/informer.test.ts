// The informer's write-through (an own write is kept and announced, its watch echo is not announced again, anything
// newer is) and waitFor (a read from the watch instead of a GET: after a 409, or a namespace not seen yet).
import { afterEach, describe, expect, it, jest } from "@jest/globals";
import type { ApiClient } from "./client";
import { ChangeType, Informer, isNewerVersion } from "./informer";

type Obj = { namespace: string; name: string; resourceVersion: string; uid?: string };
type Seen = [ChangeType, string, string] | [ChangeType, string, string, "planned"];

function build(client = {} as ApiClient) {
  const seen: Seen[] = [];
  const inf = new Informer<Obj>(client, {
    name: "test",
    path: "/api/v1/serviceaccounts",
    slim: raw => {
      const m = (raw as { metadata: Obj }).metadata;
      const obj: Obj = { namespace: m.namespace, name: m.name, resourceVersion: m.resourceVersion };
      return m.uid ? { ...obj, uid: m.uid } : obj;
    },
    onChange: (type, obj, _old, planned) =>
      seen.push(
        planned
          ? [type, obj.name, obj.resourceVersion, "planned"]
          : [type, obj.name, obj.resourceVersion],
      ),
  });
  const watch = (type: string, name: string, rv: string, uid?: string) =>
    (inf as unknown as { onEvent: (e: unknown) => void }).onEvent({
      type,
      object: { metadata: { namespace: "a", name, resourceVersion: rv, uid } },
    });
  const write = (name: string, rv: string, uid?: string) =>
    inf.upsert({ metadata: { namespace: "a", name, resourceVersion: rv, uid } });
  const relist = () => (inf as unknown as { relist: () => Promise<void> }).relist();
  return { inf, seen, watch, write, relist };
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

describe("Informer races between the watch and write-through", () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it("a write's answer processed after the watch delivered DELETED does not bring the object back", () => {
    const { inf, seen, watch, write } = build();
    watch("ADDED", "x", "4", "u1");
    watch("MODIFIED", "x", "5", "u1"); // Cheiron's update, seen by the watch first
    watch("DELETED", "x", "6", "u1"); // then someone deletes it
    write("x", "5", "u1"); // the update's answer arrives last
    expect(inf.get("a", "x")).toBeUndefined();
    expect(seen).toEqual([
      ["ADDED", "x", "4"],
      ["MODIFIED", "x", "5"],
      ["DELETED", "x", "5"],
    ]);
  });

  it("a write's answer for an object Cheiron deleted itself is refused", () => {
    const { inf, watch, write } = build();
    watch("ADDED", "x", "4", "u1");
    inf.remove("a", "x");
    write("x", "5", "u1"); // an update of the same incarnation answered after the delete
    expect(inf.get("a", "x")).toBeUndefined();
  });

  it("once the tombstone expired, the watch having passed the version still refuses the answer", () => {
    jest.useFakeTimers();
    const { inf, watch, write } = build();
    watch("ADDED", "x", "4", "u1");
    watch("DELETED", "x", "6", "u1");
    jest.advanceTimersByTime(24 * 3600_000);
    write("x", "5", "u1");
    expect(inf.get("a", "x")).toBeUndefined();
    write("y", "7", "u2"); // a create the watch has not reached yet is kept
    expect(inf.get("a", "y")?.resourceVersion).toBe("7");
  });

  it("a DELETED of an older incarnation does not evict the newer one written through (delete + create)", () => {
    const { inf, seen, watch, write } = build();
    watch("ADDED", "x", "4", "u1");
    inf.remove("a", "x"); // Cheiron deletes it ...
    write("x", "8", "u2"); // ... and creates it again (the create's answer)
    watch("DELETED", "x", "7", "u1"); // the watch then delivers the delete of the old one
    expect(inf.get("a", "x")).toEqual({
      namespace: "a",
      name: "x",
      resourceVersion: "8",
      uid: "u2",
    });
    watch("ADDED", "x", "8", "u2"); // and the create's echo: not announced again
    expect(seen).toEqual([
      ["ADDED", "x", "4"],
      ["DELETED", "x", "4"],
      ["MODIFIED", "x", "8"],
    ]);
  });

  it("a DELETED evicts its own incarnation and an older one, and a new incarnation is accepted after it", () => {
    const { inf, watch, write } = build();
    watch("ADDED", "x", "4", "u1");
    watch("DELETED", "x", "9", "u0"); // another uid, but later: the cached copy is older, so gone too
    expect(inf.get("a", "x")).toBeUndefined();
    write("x", "12", "u2");
    expect(inf.get("a", "x")?.uid).toBe("u2");
  });

  function gatedList(items: Obj[], rv: string) {
    let open!: () => void;
    const gate = new Promise<void>(r => (open = r));
    const client = {
      pages: async function* () {
        await gate;
        yield { metadata: { resourceVersion: rv }, items: items.map(metadata => ({ metadata })) };
      },
    } as unknown as ApiClient;
    return { client, open };
  }

  it("a relist keeps objects written through while it listed, newer than the list", async () => {
    const { client, open } = gatedList(
      [{ namespace: "a", name: "x", resourceVersion: "5", uid: "u1" }],
      "6",
    );
    const { inf, watch, write, relist } = build(client);
    watch("ADDED", "x", "5", "u1");
    const listing = relist();
    write("x", "7", "u1"); // an update answered during the list
    write("y", "8", "u2"); // a create answered during the list
    open();
    await listing;
    expect(inf.get("a", "x")?.resourceVersion).toBe("7");
    expect(inf.get("a", "y")?.resourceVersion).toBe("8");
  });

  it("a relist does not bring back an object Cheiron deleted while it listed", async () => {
    const { client, open } = gatedList(
      [{ namespace: "a", name: "z", resourceVersion: "3", uid: "u3" }],
      "6",
    );
    const { inf, watch, relist } = build(client);
    watch("ADDED", "z", "3", "u3");
    const listing = relist();
    inf.remove("a", "z");
    open();
    await listing;
    expect(inf.get("a", "z")).toBeUndefined();
  });
});

describe("Informer.write", () => {
  const notFound = () => Promise.reject(Object.assign(new Error("404"), { status: 404 }));
  const x = (rv: string, uid: string) => ({ namespace: "a", name: "x", resourceVersion: rv, uid });

  it("stores the answer, and removes the target on a delete's empty answer", async () => {
    const { inf, watch } = build();
    watch("ADDED", "x", "4", "u1");
    await inf.write(x("4", "u1"), Promise.resolve({ metadata: x("5", "u1") }));
    expect(inf.get("a", "x")?.resourceVersion).toBe("5");
    await inf.write(x("5", "u1"), Promise.resolve(undefined));
    expect(inf.get("a", "x")).toBeUndefined();
  });

  it("a 404 removes the target and is rethrown; a later incarnation in the cache stays", async () => {
    const { inf, watch, write } = build();
    watch("ADDED", "x", "4", "u1");
    await expect(inf.write(x("4", "u1"), notFound())).rejects.toMatchObject({ status: 404 });
    expect(inf.get("a", "x")).toBeUndefined();
    write("x", "9", "u2"); // created again since
    await expect(inf.write(x("4", "u1"), notFound())).rejects.toMatchObject({ status: 404 });
    expect(inf.get("a", "x")?.uid).toBe("u2");
  });

  it("another failure leaves the entry as it is", async () => {
    const { inf, watch } = build();
    watch("ADDED", "x", "4", "u1");
    const conflict = Promise.reject(Object.assign(new Error("409"), { status: 409 }));
    await expect(inf.write(x("4", "u1"), conflict)).rejects.toMatchObject({ status: 409 });
    expect(inf.get("a", "x")?.resourceVersion).toBe("4");
  });
});
