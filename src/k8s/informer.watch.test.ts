// The informer's watch loop on a scripted watchStream and fake timers: it resumes from the last version it saw
// (an event's or a BOOKMARK's) without listing again, relists only on 410 Gone (a status answer or an ERROR
// event) and then watches from the new list, and waits before watching again after another failure.
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { ApiError } from "./api-error";
import type { ApiClient } from "./client";
import { Informer } from "./informer";
import type { WatchEvent, WatchStreamOptions } from "./watch";

type Step = { events?: WatchEvent<unknown>[]; error?: ApiError };
/** What each watch does, in order; once the script is done, a watch stays open until the informer stops. */
const script: Step[] = [];
/** The resourceVersion each watch started from. */
const watchedFrom: string[] = [];
jest.mock("./watch", () => {
  return {
    watchStream: (_client: unknown, opts: WatchStreamOptions, signal: AbortSignal) => {
      watchedFrom.push(opts.resourceVersion);
      const step = script.shift();
      if (!step)
        return new Promise((_r, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason)),
        );
      try {
        (step.events ?? []).forEach(e => opts.onEvent(e)); // an ERROR event throws here, as in watchStream
      } catch (e) {
        return Promise.reject(e);
      }
      return step.error ? Promise.reject(step.error) : Promise.resolve();
    },
  };
});

const obj = (name: string, rv: string) => ({
  metadata: { namespace: "a", name, resourceVersion: rv },
});
const event = (type: WatchEvent<unknown>["type"], name: string, rv: string) => ({
  type,
  object: obj(name, rv),
});

/** An informer whose lists answer `lists` in turn (one page each). */
function build(lists: { rv: string; names: string[] }[]) {
  const seen: string[] = [];
  const slimmed: string[] = [];
  const client = {
    async *pages() {
      const l = lists.shift()!;
      yield { metadata: { resourceVersion: l.rv }, items: l.names.map(n => obj(n, l.rv)) };
    },
  } as unknown as ApiClient;
  const inf = new Informer<{ namespace: string; name: string; resourceVersion: string }>(client, {
    name: "test",
    path: "/api/v1/secrets",
    slim: raw => {
      const m = (raw as ReturnType<typeof obj>).metadata;
      slimmed.push(`${m.name}@${m.resourceVersion}`);
      return { namespace: m.namespace, name: m.name, resourceVersion: m.resourceVersion };
    },
    onChange: (type, o) => seen.push(`${type} ${o.name}`),
  });
  return { inf, seen, slimmed };
}

describe("Informer's watch loop", () => {
  let inf: Informer<never> | undefined;
  beforeEach(() => {
    jest.useFakeTimers();
    script.length = 0;
    watchedFrom.length = 0;
  });
  afterEach(() => {
    inf?.stop();
    jest.useRealTimers();
  });
  const run = async (b: ReturnType<typeof build>) => {
    inf = b.inf as unknown as Informer<never>;
    await b.inf.start();
    await jest.advanceTimersByTimeAsync(60_000);
  };

  it("resumes from the last event's version, then a BOOKMARK's, without listing again", async () => {
    const b = build([{ rv: "5", names: [] }]);
    script.push(
      { events: [event("ADDED", "x", "6")] }, // the server ends the stream (timeoutSeconds)
      { events: [event("BOOKMARK", "", "9")], error: new ApiError("reset", 0, "NetworkError") },
    );
    await run(b);
    expect(watchedFrom).toEqual(["5", "6", "9"]);
    expect(b.inf.lists).toBe(1);
    expect(b.seen).toEqual(["ADDED x"]); // a BOOKMARK is no object
  });

  it("relists on 410 Gone, answered or as an ERROR event, and watches from the new list", async () => {
    const b = build([
      { rv: "5", names: ["x"] },
      { rv: "20", names: ["y"] },
      { rv: "30", names: ["y"] },
    ]);
    script.push(
      { error: new ApiError("too old", 410, "Gone") },
      { events: [{ type: "ERROR", object: { code: 410 } }] },
    );
    await run(b);
    expect(watchedFrom).toEqual(["5", "20", "30"]);
    expect(b.inf.lists).toBe(3);
    // Each relist announces what changed since the cache's contents: x went, y came, y changed.
    expect(b.seen).toEqual(["ADDED x", "ADDED y", "DELETED x", "MODIFIED y"]);
  });

  it("after another failure watches again from the same version, no sooner than Retry-After", async () => {
    const b = build([{ rv: "5", names: [] }]);
    const throttled = new ApiError("slow down", 429, "TooManyRequests", undefined, 10);
    script.push({ events: [{ type: "ERROR", object: { code: 500 } }] }, { error: throttled });
    inf = b.inf as unknown as Informer<never>;
    await b.inf.start();
    await jest.advanceTimersByTimeAsync(500); // the first pause
    expect(watchedFrom).toEqual(["5", "5"]);
    await jest.advanceTimersByTimeAsync(9_900);
    expect(watchedFrom).toEqual(["5", "5"]);
    await jest.advanceTimersByTimeAsync(100);
    expect(watchedFrom).toEqual(["5", "5", "5"]);
    expect(b.inf.lists).toBe(1);
  });

  it("does not slim an event of the version the cache holds (a write-through's echo), nor an older one", async () => {
    const b = build([{ rv: "7", names: ["x"] }]); // x is held at 7, as after Cheiron's own write answered at 7
    script.push({
      events: [event("ADDED", "x", "7"), event("MODIFIED", "x", "6"), event("MODIFIED", "x", "8")],
    });
    await run(b);
    expect(b.slimmed).toEqual(["x@7", "x@8"]); // the list's x, then only 8: 7 and 6 change nothing
    expect(b.seen).toEqual(["ADDED x", "MODIFIED x"]);
    expect(b.inf.get("a", "x")?.resourceVersion).toBe("8");
    expect(watchedFrom).toEqual(["7", "8"]);
  });

  it("watches no more once stopped", async () => {
    const b = build([{ rv: "5", names: [] }]);
    await run(b);
    b.inf.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(watchedFrom).toEqual(["5"]);
  });
});
