// Issue 22 #8: a run past CHEIRON_RUN_DEADLINE_MS freed its worker and its key was retried while the run went on,
// so one key ran several times at once. Now the run's signal (the one every API request inside it carries, see
// src/k8s/cancel.ts) is aborted, and the key runs again only once that run has really ended.
import { currentSignal } from "../k8s/cancel";
import { WorkQueue } from "./queue";

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** A queue whose runs of "slow" wait for release(); each run records the signal its API requests would carry. */
function slowQueue() {
  const started: string[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  let active = 0;
  let peak = 0;
  const releases: (() => void)[] = [];
  const q = new WorkQueue({
    concurrency: 1,
    baseDelayMs: 100,
    maxDelayMs: 100,
    runDeadlineMs: 1000,
    process: async key => {
      started.push(key);
      signals.push(currentSignal());
      peak = Math.max(peak, ++active);
      try {
        // a run that ignores the abort (work that is not an API request): it ends when the test says so
        if (key === "slow") await new Promise<void>(r => releases.push(r));
      } finally {
        active--;
      }
    },
  });
  return { q, started, signals, peak: () => peak, releases };
}

describe("WorkQueue run deadline", () => {
  it("never starts a key again before its run past the deadline has ended (never two runs of one key)", async () => {
    const { q, started, peak, releases } = slowQueue();
    q.enqueue("slow");
    await jest.advanceTimersByTimeAsync(1050); // past the deadline
    q.enqueue("slow"); // an event meanwhile
    await jest.advanceTimersByTimeAsync(10_000); // well past the backoff (100 ms)
    expect(started).toEqual(["slow"]); // the first run has not ended: no second one
    releases[0]();
    await jest.advanceTimersByTimeAsync(200);
    expect(started).toEqual(["slow", "slow"]);
    expect(peak()).toBe(1);
    releases[1]();
    await jest.advanceTimersByTimeAsync(0);
  });

  it("aborts the signal of a run at its deadline (the signal every API request of the run carries)", async () => {
    const { q, signals, releases } = slowQueue();
    q.enqueue("slow");
    await jest.advanceTimersByTimeAsync(999);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(String(signals[0]?.reason)).toContain("run of slow exceeded 1000 ms");
    releases[0]();
    await jest.advanceTimersByTimeAsync(200);
    releases[1]?.();
  });

  it("frees the worker at the deadline: another key runs while the late run winds down", async () => {
    const { q, started, releases } = slowQueue();
    q.enqueue("slow");
    q.enqueue("other");
    await jest.advanceTimersByTimeAsync(1050);
    expect(started).toEqual(["slow", "other"]);
    expect(q.size).toBe(1); // the late run still counts until it ends
    releases[0]();
    await jest.advanceTimersByTimeAsync(200);
    expect(started).toEqual(["slow", "other", "slow"]);
    releases[1]();
    await jest.advanceTimersByTimeAsync(0);
  });

  it("gives each run its own signal, never aborted when the run ends in time", async () => {
    const { q, signals } = slowQueue();
    q.enqueue("a");
    q.enqueue("b");
    await jest.advanceTimersByTimeAsync(5000);
    expect(signals).toHaveLength(2);
    expect(signals.every(s => s instanceof AbortSignal && !s.aborted)).toBe(true);
    expect(signals[0]).not.toBe(signals[1]);
  });
});
