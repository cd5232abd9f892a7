// The pacing of stuck-Pod deletes: a manager's token bucket, and each node's image pull budget (the kubelet's
// defaults: 10 pulls at once, then 5 a second).
import type { PodView } from "./stuck";
import {
  buildNodePulls,
  buildPodPulls,
  NODE_PULL_BURST,
  NodePullBudget,
  TokenBucket,
} from "./stuck-pace";

describe("TokenBucket", () => {
  it("allows a burst of perMinute, then refills at perMinute a minute", () => {
    const bucket = new TokenBucket(3, 0);
    expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.take(19_999)).toBe(false);
    expect(bucket.take(20_000)).toBe(true);
    expect(bucket.take(20_000)).toBe(false);
    expect([1, 2, 3, 4].map(() => bucket.take(10 * 60_000))).toEqual([true, true, true, false]);
  });

  it("says when the next token is there", () => {
    const bucket = new TokenBucket(10, 0);
    expect(bucket.nextAt(0)).toBe(0);
    for (let i = 0; i < 10; i++) bucket.take(0);
    expect(bucket.nextAt(0)).toBe(6_000);
    expect(bucket.nextAt(3_000)).toBe(6_000);
    expect(bucket.take(5_999)).toBe(false);
    expect(bucket.take(6_000)).toBe(true);
  });

  it("applies a lower rate at once", () => {
    const bucket = new TokenBucket(10, 0);
    expect(bucket.take(0, 1)).toBe(true);
    expect(bucket.take(0, 1)).toBe(false);
  });

  it("with a burst of its own, holds that many and refills at perMinute", () => {
    const bucket = new TokenBucket(300, 0, 10);
    expect(bucket.take(0, 300, 10)).toBe(true);
    expect(bucket.take(0, 300, 1)).toBe(false);
    expect(bucket.nextAt(0, 5)).toBe(1_000);
    expect(bucket.full(10_000)).toBe(true);
    expect(bucket.take(10_000, 300, 11)).toBe(false);
  });
});

describe("buildPodPulls", () => {
  const pod = (containers: number, init: number): PodView => ({
    spec: {
      containers: Array.from({ length: containers }, () => ({ image: "a" })),
      initContainers: Array.from({ length: init }, () => ({ image: "b" })),
    },
  });
  it.each([
    ["one container", 1, 0, 1],
    ["two containers and an init container", 2, 1, 3],
    ["no container listed (counts one)", 0, 0, 1],
    ["more images than the burst (capped)", 12, 3, NODE_PULL_BURST],
  ])("%s: %i + %i → %i", (_name, containers, init, expected) => {
    expect(buildPodPulls(pod(containers, init))).toBe(expected);
  });
});

describe("buildNodePulls", () => {
  it("sums per node, caps each at the burst, and skips Pods on no node", () => {
    const pods = [
      { node: "a", pulls: 2 },
      { node: "a", pulls: 1 },
      { node: "b", pulls: 9 },
      { node: "b", pulls: 9 },
      { pulls: 4 },
    ];
    expect(buildNodePulls(pods)).toEqual(
      new Map([
        ["a", 3],
        ["b", NODE_PULL_BURST],
      ]),
    );
  });
});

describe("NodePullBudget", () => {
  it("gives each node 10 pulls at once, then 5 a second", () => {
    const budget = new NodePullBudget();
    const ten = new Map([["a", 10]]);
    expect(budget.fits(ten, 0)).toBe(true);
    budget.take(ten, 0);
    expect(budget.fits(new Map([["a", 1]]), 0)).toBe(false);
    expect(budget.fits(new Map([["b", 10]]), 0)).toBe(true);
    expect(budget.readyAt("a", 5, 0)).toBe(1_000);
    expect(budget.fits(new Map([["a", 5]]), 999)).toBe(false);
    expect(budget.fits(new Map([["a", 5]]), 1_000)).toBe(true);
  });

  it("forgets a node whose budget refilled", () => {
    const budget = new NodePullBudget();
    budget.take(new Map([["a", 10]]), 0);
    budget.take(new Map([["b", 1]]), 1_000);
    expect(budget.size).toBe(2);
    budget.take(new Map([["b", 1]]), 2_000);
    expect(budget.size).toBe(1);
  });
});
