import { NewNamespaceGate } from "./settle";

describe("NewNamespaceGate", () => {
  it.each([
    // delay, marked at, asked at, remaining
    [10, 100, 100, 10],
    [10, 100, 104, 6],
    [10, 100, 110, 0],
    [10, 100, 250, 0],
    [0, 100, 100, 0],
  ])("delay %p, marked at %p, asked at %p: waits %p ms", (delay, marked, asked, left) => {
    const gate = new NewNamespaceGate(delay);
    gate.mark("ns", marked);
    expect(gate.remaining("ns", asked)).toBe(left);
  });

  it("never holds a namespace it was not told about", () => {
    const gate = new NewNamespaceGate(10);
    gate.mark("new", 100);
    expect(gate.remaining("old", 100)).toBe(0);
    expect(gate.remaining("new", 100)).toBe(10);
  });

  it("forgets a namespace once its gate has passed (no growth with the cluster)", () => {
    const gate = new NewNamespaceGate(10);
    for (let i = 0; i < 100; i++) gate.mark(`ns-${i}`, 0);
    expect(gate.size).toBe(100);
    for (let i = 0; i < 100; i++) gate.remaining(`ns-${i}`, 20);
    expect(gate.size).toBe(0);
  });

  it("a second ADDED (a relist after 410) moves the gate forward", () => {
    const gate = new NewNamespaceGate(10);
    gate.mark("ns", 0);
    gate.mark("ns", 50);
    expect(gate.remaining("ns", 55)).toBe(5);
  });
});
