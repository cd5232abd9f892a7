import { Limiter } from "./limiter";

/** A job that resolves or rejects when the test says so. */
function gate<T>() {
  let open!: (v: T) => void;
  let fail!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((open = res), (fail = rej)));
  return { promise, open, fail };
}

const tick = () => new Promise(r => setImmediate(r));

describe("Limiter", () => {
  it.each([1, 2, 5])("limit %i: never more holders than the limit, the rest wait", async limit => {
    const l = new Limiter(limit);
    const gates = Array.from({ length: limit + 3 }, () => gate<number>());
    let running = 0;
    let peak = 0;
    const done = gates.map((g, i) =>
      l.run(async () => {
        peak = Math.max(peak, ++running);
        await g.promise;
        running--;
        return i;
      }),
    );
    await tick();
    expect(l.usage).toEqual({ active: limit, waiting: 3 });
    gates.forEach((g, i) => g.open(i));
    expect(await Promise.all(done)).toEqual(gates.map((_, i) => i));
    expect(peak).toBe(limit);
    expect(l.usage).toEqual({ active: 0, waiting: 0 });
  });

  it("turns go in arrival order", async () => {
    const l = new Limiter(1);
    const first = gate<void>();
    const order: string[] = [];
    const a = l.run(() => first.promise);
    const b = l.run(async () => void order.push("b"));
    const c = l.run(async () => void order.push("c"));
    first.open();
    await Promise.all([a, b, c]);
    expect(order).toEqual(["b", "c"]);
  });

  it("a job that fails frees its turn and its error reaches the caller", async () => {
    const l = new Limiter(1);
    const g = gate<void>();
    const failing = l.run(() => g.promise);
    const next = l.run(async () => "next");
    g.fail(new Error("409"));
    await expect(failing).rejects.toThrow("409");
    await expect(next).resolves.toBe("next");
    expect(l.usage).toEqual({ active: 0, waiting: 0 });
  });

  it("a job that throws synchronously frees its turn too", async () => {
    const l = new Limiter(1);
    await expect(
      l.run(() => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await expect(l.run(async () => 1)).resolves.toBe(1);
  });

  it("a caller whose signal aborts while it waits leaves the line: its job never runs", async () => {
    const l = new Limiter(1);
    const first = gate<void>();
    const ran: string[] = [];
    const a = l.run(() => first.promise);
    const ac = new AbortController();
    const b = l.run(async () => void ran.push("b"), ac.signal);
    const c = l.run(async () => void ran.push("c"));
    ac.abort("timeout");
    await expect(b).rejects.toBe("timeout");
    expect(l.usage).toEqual({ active: 1, waiting: 1 });
    first.open();
    await Promise.all([a, c]);
    expect(ran).toEqual(["c"]);
    expect(l.usage).toEqual({ active: 0, waiting: 0 });
  });
});
