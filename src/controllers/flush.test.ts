import { FlushScheduler } from "./flush";

describe("FlushScheduler", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const setup = () => {
    const flushed: string[] = [];
    return { flushed, s: new FlushScheduler(k => flushed.push(k), 200) };
  };

  it("flushes at once when a fan-out finishes (Ready follows the last write without a pause)", () => {
    const { flushed, s } = setup();
    s.now("m");
    expect(flushed).toEqual(["m"]);
    jest.advanceTimersByTime(1000);
    expect(flushed).toEqual(["m"]);
  });

  it("folds a delayed flush into the immediate one", () => {
    const { flushed, s } = setup();
    s.later("m");
    s.now("m");
    jest.advanceTimersByTime(1000);
    expect(flushed).toEqual(["m"]);
    expect(s.size).toBe(0);
  });

  it.each([
    // changes at these times (ms), then: flushes and when the last one came
    [[0], 1, 200],
    [[0, 100, 150], 1, 350],
    [[0, 300], 2, 500],
  ])("changes at %p ms: %p flush(es), the last at %p ms", (at, count, last) => {
    const { flushed, s } = setup();
    const times: number[] = [];
    let now = 0;
    for (const t of at) {
      jest.advanceTimersByTime(t - now);
      now = t;
      s.later("m");
    }
    for (let t = now; t <= 2000; t++) {
      const before = flushed.length;
      jest.advanceTimersByTime(t === now ? 0 : 1);
      if (flushed.length > before) times.push(t);
    }
    expect(flushed).toHaveLength(count);
    expect(times.at(-1)).toBe(last);
  });

  it("keeps managers apart and forgets a cancelled one", () => {
    const { flushed, s } = setup();
    s.later("a");
    s.later("b");
    s.cancel("a");
    jest.advanceTimersByTime(200);
    expect(flushed).toEqual(["b"]);
    expect(s.size).toBe(0);
  });
});
