import { buildBackoffDelay, WorkQueue } from "./queue";

const tick = () => new Promise(r => setImmediate(r));

describe("buildBackoffDelay", () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [5, 1600],
    [10, 5000],
    [50, 5000],
  ])("attempt %i waits %i ms (base 100, cap 5000)", (attempt, expected) => {
    expect(buildBackoffDelay(attempt, 100, 5000)).toBe(expected);
  });
});

describe("WorkQueue", () => {
  it("coalesces a key enqueued many times before it runs", async () => {
    const runs: string[] = [];
    const q = new WorkQueue({
      concurrency: 1,
      baseDelayMs: 10,
      maxDelayMs: 100,
      process: async k => void runs.push(k),
    });
    q.enqueue("b");
    q.enqueue("a");
    q.enqueue("a");
    q.enqueue("a");
    await q.idle();
    expect(runs).toEqual(["b", "a"]);
  });

  it("runs a key once more when it is enqueued while running, never concurrently", async () => {
    let active = 0;
    let maxActive = 0;
    let count = 0;
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    const q = new WorkQueue({
      concurrency: 4,
      baseDelayMs: 10,
      maxDelayMs: 100,
      process: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        count++;
        if (count === 1) await gate;
        active--;
      },
    });
    q.enqueue("k");
    await tick();
    q.enqueue("k");
    q.enqueue("k");
    release();
    await q.idle();
    await tick();
    await q.idle();
    expect(count).toBe(2);
    expect(maxActive).toBe(1);
  });

  it("retries a failing key with growing delays and resets after success", async () => {
    jest.useFakeTimers();
    try {
      const delays: number[] = [];
      let calls = 0;
      const q = new WorkQueue({
        concurrency: 1,
        baseDelayMs: 100,
        maxDelayMs: 1000,
        process: async () => {
          calls++;
          if (calls <= 3) throw new Error("boom");
        },
        onError: (_k, _e, _a, d) => delays.push(d),
      });
      q.enqueue("k");
      for (let i = 0; i < 10; i++) {
        await Promise.resolve();
        await jest.advanceTimersByTimeAsync(1000);
      }
      expect(delays).toEqual([100, 200, 400]);
      expect(calls).toBe(4);
      expect(q.failuresOf("k")).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it("treats a false return as a failure to retry", async () => {
    const seen: number[] = [];
    const q = new WorkQueue({
      concurrency: 1,
      baseDelayMs: 5,
      maxDelayMs: 5,
      process: async () => false,
      onError: (_k, _e, attempt) => seen.push(attempt),
    });
    q.enqueue("x");
    await q.idle();
    expect(seen).toEqual([1]);
    expect(q.failuresOf("x")).toBe(1);
    q.forget("x");
    expect(q.failuresOf("x")).toBe(0);
  });
});

/** A queue that records the order keys run in; the key "hold" keeps its run going until released. */
function recording(concurrency = 1) {
  const runs: string[] = [];
  let release!: () => void;
  const held = new Promise<void>(r => (release = r));
  const q = new WorkQueue({
    concurrency,
    baseDelayMs: 10,
    maxDelayMs: 100,
    process: async k => {
      runs.push(k);
      if (k === "hold") await held;
    },
  });
  return { q, runs, release };
}

describe("WorkQueue lanes", () => {
  it("runs what an event asks for before a fan-out's background keys queued earlier", async () => {
    const { q, runs, release } = recording();
    q.enqueue("hold");
    for (const ns of ["ns/a", "ns/b", "ns/c"]) q.enqueue(ns, "background");
    q.enqueue("ns/new");
    release();
    await q.idle();
    expect(runs).toEqual(["hold", "ns/new", "ns/a", "ns/b", "ns/c"]);
  });

  it("moves a background key up when an event asks for it, and runs it once", async () => {
    const { q, runs, release } = recording();
    q.enqueue("hold");
    for (const ns of ["ns/a", "ns/b", "ns/c"]) q.enqueue(ns, "background");
    q.enqueue("ns/c");
    q.enqueue("ns/c", "background"); // the fan-out asking again does not move it back
    release();
    await q.idle();
    expect(runs).toEqual(["hold", "ns/c", "ns/a", "ns/b"]);
  });

  it("keeps an event's lane for the rerun of a key enqueued while it runs", async () => {
    const { q, runs, release } = recording();
    q.enqueue("hold");
    await tick();
    q.enqueue("ns/x", "background");
    q.enqueue("hold", "background");
    q.enqueue("hold"); // an event while it runs: its next run is in the event lane
    release();
    await q.idle();
    expect(runs).toEqual(["hold", "hold", "ns/x"]);
  });

  it("runs a key queued again in the background after it ran, once", async () => {
    const { q, runs, release } = recording();
    q.enqueue("hold");
    q.enqueue("ns/a", "background");
    q.enqueue("ns/a"); // moved up: its background entry is now stale
    release();
    await q.idle();
    q.enqueue("ns/a", "background");
    q.enqueue("ns/b", "background");
    await q.idle();
    expect(runs).toEqual(["hold", "ns/a", "ns/a", "ns/b"]);
  });
});

describe("WorkQueue and the event loop", () => {
  it("lets an event in while a thousand runs that need no I/O go on (a resync where nothing changed)", async () => {
    const { q, runs } = recording(4);
    for (let i = 0; i < 1000; i++) q.enqueue(`ns/${i}`, "background");
    // A watch event arrives as a callback of the event loop, not as a microtask.
    setImmediate(() => q.enqueue("ns/new"));
    await q.idle();
    expect(runs).toHaveLength(1001);
    expect(runs.indexOf("ns/new")).toBeLessThan(20);
  });
});
