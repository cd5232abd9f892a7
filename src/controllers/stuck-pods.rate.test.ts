// refreshStuckPods' rate: the default lets a burst of owners recover at once, the deletes of one look run side by
// side, and owners left over for lack of tokens are deleted when the next token is due, not a minute later; the
// deletes are paced per node to the kubelet's default pull budget (10 at once, then 5 a second).
import { setApiClient } from "../k8s/client";
import type { PodView } from "../domain/stuck";
import { namespacedManager } from "../../test/unit/helpers/fixtures";
import { setStuckClient, stuckCache } from "../../test/unit/helpers/stuck";
import type { ManagerState } from "./report";
import { onStuckPodsRecheck, refreshStuckPods } from "./stuck-pods";

const ghcr = { name: "ghcr", registry: "ghcr.io", username: "u", password: "p" };
let run = 0;

/** Replica `i` of Deployment `i` (each its own ReplicaSet), stuck on a pull, on `node(i)` when given. */
const replica = (i: number, tag: number, node?: (i: number) => string): PodView => ({
  metadata: {
    name: `app-${i}`,
    namespace: "team",
    uid: `pod-${tag}-${i}`,
    ownerReferences: [
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        name: `app-${i}`,
        uid: `rs-${tag}-${i}`,
        controller: true,
      },
    ],
  },
  spec: { containers: [{ image: "ghcr.io/org/app:1" }], ...(node ? { nodeName: node(i) } : {}) },
  status: { containerStatuses: [{ state: { waiting: { reason: "ImagePullBackOff" } } }] },
});

/** `owners` stuck Deployments in namespace team; a delete resolves when `release` is called. */
function setup(
  owners: number,
  spec: Record<string, unknown> = {},
  node?: (i: number, tag: number) => string,
) {
  const tag = ++run;
  const m = namespacedManager(`m${tag}`, "team", {
    secrets: [ghcr],
    recreateStuckPods: true,
    ...spec,
  });
  const deleted: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pods = () =>
    Array.from({ length: owners }, (_, i) => replica(i, tag, node && (j => node(j, tag)))).filter(
      p => !deleted.includes(p.metadata!.name!),
    );
  setStuckClient(pods, async name => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await Promise.resolve();
    await Promise.resolve();
    inFlight -= 1;
    deleted.push(name);
  });
  const cache = stuckCache("team", ["ghcr"]);
  const state = {} as ManagerState;
  const check = () => refreshStuckPods(cache, m, state, { team: ["ghcr"] });
  return { deleted, check, maxInFlight: () => maxInFlight };
}

describe("refreshStuckPods' rate", () => {
  let requeued: string[];
  beforeEach(() => {
    jest.useFakeTimers({ now: 5_000_000 });
    requeued = [];
    onStuckPodsRecheck(key => requeued.push(key));
  });
  afterEach(() => {
    jest.useRealTimers();
    setApiClient(undefined);
  });

  it("with the default rate, 20 stuck Deployments all lose their Pod in the first look", async () => {
    const { deleted, check } = setup(20);
    await check();
    expect(deleted).toHaveLength(20);
  });

  it("deletes one look's Pods side by side, not one after another", async () => {
    const { check, maxInFlight } = setup(20);
    await check();
    expect(maxInFlight()).toBeGreaterThan(1);
  });

  it("at 10 a minute, the 11th owner's Pod goes when the next token is due (6 s), not at the minute's re-check", async () => {
    const { deleted, check } = setup(12, { recreateStuckPodsPerMinute: 10 });
    await check();
    expect(deleted).toHaveLength(10);
    // Nothing is asked for before the token is due…
    jest.advanceTimersByTime(5_000);
    expect(requeued).toEqual([]);
    // …and the look is queued once it is.
    jest.advanceTimersByTime(2_000);
    expect(requeued).toHaveLength(1);
    await check();
    expect(deleted).toHaveLength(11);
    jest.advanceTimersByTime(7_000);
    expect(requeued).toHaveLength(2);
    await check();
    expect(deleted).toHaveLength(12);
  });

  describe("per node, the kubelet's default pull budget", () => {
    const oneNode = (_i: number, tag: number) => `node-${tag}`;

    it("20 stuck Deployments on one node: 10 go at once, then 5 a second, each batch in one look", async () => {
      const { deleted, check } = setup(20, {}, oneNode);
      await check();
      expect(deleted).toHaveLength(10);
      // The next look is due when the node has a second's worth of pulls (5), not at the minute's re-check.
      jest.advanceTimersByTime(900);
      expect(requeued).toEqual([]);
      jest.advanceTimersByTime(100);
      expect(requeued).toHaveLength(1);
      await check();
      expect(deleted).toHaveLength(15);
      jest.advanceTimersByTime(1_000);
      expect(requeued).toHaveLength(2);
      await check();
      expect(deleted).toHaveLength(20);
    });

    it("Pods on two nodes spend two budgets: 20 split 10 and 10 all go at once", async () => {
      const { deleted, check } = setup(20, {}, (i, tag) => `node-${tag}-${i % 2}`);
      await check();
      expect(deleted).toHaveLength(20);
    });

    it("the budget is the node's, shared by managers: a second manager's Pods there wait for it", async () => {
      const first = setup(10, {}, oneNode);
      await first.check();
      expect(first.deleted).toHaveLength(10);
      const second = setup(3, {}, (_i, tag) => `node-${tag - 1}`);
      await second.check();
      expect(second.deleted).toEqual([]);
      jest.advanceTimersByTime(600);
      expect(requeued).toHaveLength(1);
      await second.check();
      expect(second.deleted).toHaveLength(3);
    });

    it("a Pod whose node has no budget left is not deleted, and its owner keeps its turn (no back-off taken)", async () => {
      const { deleted, check } = setup(11, {}, oneNode);
      await check();
      expect(deleted).toHaveLength(10);
      jest.advanceTimersByTime(200);
      await check();
      expect(deleted).toEqual([...Array.from({ length: 10 }, (_, i) => `app-${i}`), "app-10"]);
    });
  });
});
