// Issue 11 #9: before, enqueue() cleared a failing key's backoff timer, so every event re-ran it at once (each
// time with a Warning Event), and a run that never ended held its worker forever. A run that ignores its
// cancellation: queue.deadline.test.ts.
// Time is the subject here, so it is jest's fake clock (timers, setImmediate and Date), advanced by hand.
import { WorkQueue } from "./queue";

const sleep = (ms: number) => jest.advanceTimersByTimeAsync(ms);

describe("WorkQueue backoff and deadlines", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("an event while a failed key waits for its backoff does not run it early", async () => {
    const runs: number[] = [];
    const t0 = Date.now();
    const q = new WorkQueue({
      concurrency: 1,
      baseDelayMs: 300,
      maxDelayMs: 1000,
      process: async () => {
        runs.push(Date.now() - t0);
        return runs.length > 1; // fails once
      },
    });
    q.enqueue("k");
    await sleep(50);
    for (let i = 0; i < 5; i++) q.enqueue("k"); // events arriving during the backoff
    await sleep(50);
    expect(runs).toHaveLength(1);
    await sleep(190); // 290 ms after the first run: its 300 ms backoff has not passed
    expect(runs).toHaveLength(1);
    await sleep(20);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toBeGreaterThanOrEqual(300);
  });

  it("a key that succeeds again is enqueued at once by events", async () => {
    jest.useRealTimers(); // no time involved: idle() is awaited
    let n = 0;
    const q = new WorkQueue({
      concurrency: 1,
      baseDelayMs: 1000,
      maxDelayMs: 1000,
      process: async () => void n++,
    });
    q.enqueue("k");
    await q.idle();
    q.enqueue("k");
    await q.idle();
    expect(n).toBe(2);
  });

  it("a run past its deadline frees its worker and is retried with backoff", async () => {
    const started: string[] = [];
    const q = new WorkQueue({
      concurrency: 1,
      baseDelayMs: 50,
      maxDelayMs: 50,
      runDeadlineMs: 100,
      process: async (k, signal) => {
        started.push(k);
        // stuck until cancelled, as an API request that gets no answer is (issue 22 #8)
        if (k === "stuck" && started.filter(s => s === "stuck").length === 1)
          await new Promise((_, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason)),
          );
      },
    });
    q.enqueue("stuck");
    q.enqueue("other");
    await sleep(400);
    expect(started).toEqual(["stuck", "other", "stuck"]);
    expect(q.failuresOf("stuck")).toBe(0);
  });
});
