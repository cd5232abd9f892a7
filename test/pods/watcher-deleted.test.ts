// Pod fault (issue 25 #4 a): the watcher Pod deleted in the middle of a 500-namespace cluster fan-out. Its
// ReplicaSet starts a new Pod, which converges every namespace (test/faults/cluster.ts expectConverged: the
// manager's reference once each, the user's own entries kept, the user's Secrets untouched, the manager Ready).
// The time to converge and the Pods' restart counts are printed, never asserted.
import { attached, expectConverged, midway } from "../faults/cluster";
import { k, waitGone } from "../integration/helpers";
import { describeNode } from "../node/state";
import { ensureDeployed } from "./install";
import {
  adminClient,
  fanOutSetup,
  modulePods,
  restartFigures,
  seconds,
  waitReplaced,
} from "./faults";

const N = 500;

describeNode("Pod faults: the watcher Pod deleted mid fan-out", () => {
  jest.setTimeout(1_200_000);
  let cleanup = async () => {};
  afterAll(() => cleanup());

  test(`its ReplicaSet replaces it and the new Pod converges all ${N} namespaces`, async () => {
    await ensureDeployed();
    const admin = adminClient();
    const f = await fanOutSetup(admin, "pf-watcher", N);
    cleanup = f.cleanup;
    const [old] = await modulePods("watcher");

    const t0 = Date.now();
    await f.apply();
    const before = await midway(admin, f.namespaces, f.name, 10);
    await k(["delete", "pod", old.name, "-n", "pepr-system", "--wait=false"]);
    const tDeleted = Date.now();
    await waitGone(["pod", old.name, "-n", "pepr-system"], 120_000);
    // The old Pod's container has stopped: what is still missing now is the new Pod's work.
    const atGone = await attached(admin, f.namespaces, f.name);
    const [fresh] = await waitReplaced("watcher", [old.uid], 1);
    const tReplaced = Date.now();
    await expectConverged(admin, f.expected, 600_000);
    console.log(
      `[pods] watcher Pod deleted at ${before}/${N} attached, ${atGone}/${N} when it was gone; replacement ${fresh.name} Ready ${((tReplaced - tDeleted) / 1000).toFixed(1)} s after the delete; converged ${seconds(tDeleted)} s after the delete (${seconds(t0)} s after the manager); ${await restartFigures()}`,
    );
    expect(atGone).toBeLessThan(N);
  });
});
