// Pod fault (issue 25 #4 a): the watcher Pod deleted in the middle of a 500-namespace cluster fan-out. Its
// ReplicaSet starts a new Pod, which converges every namespace (test/faults/cluster.ts expectConverged: the
// manager's reference once each, the user's own entries kept, the user's Secrets untouched, the manager Ready).
// The time to converge and the Pods' restart counts are printed, never asserted.
import { expectConverged } from "../faults/cluster";
import { k } from "../integration/helpers";
import { describeNode } from "../node/state";
import { ensureDeployed } from "./install";
import {
  adminClient,
  faultMidFanOut,
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

    // A 1 s grace period: with the default 30 s the old watcher, which keeps working after its SIGTERM, finished all
    // 500 namespaces before it stopped on an idle machine (cold CI, 2026-12-08), and the new Pod had nothing to do.
    const r = await faultMidFanOut(admin, f, old, () =>
      k(["delete", "pod", old.name, "-n", "pepr-system", "--grace-period=1", "--wait=false"]),
    );
    // The old Pod's container has stopped: what is still missing now is the new Pod's work.
    const [fresh] = await waitReplaced("watcher", [old.uid], 1);
    const tReplaced = Date.now();
    await expectConverged(admin, f.expected, 600_000);
    console.log(
      `[pods] watcher Pod deleted at ${r.atFault}/${N} attached, ${r.atGone}/${N} when it was gone; replacement ${fresh.name} Ready ${((tReplaced - r.tFault) / 1000).toFixed(1)} s after the delete; converged ${seconds(r.tFault)} s after the delete (${seconds(r.t0)} s after the manager); ${await restartFigures()}`,
    );
    expect(r.atGone).toBeLessThan(N);
  });
});
