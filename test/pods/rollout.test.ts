// Pod fault (issue 25 #4 c): both Deployments rolled out (one env var changed, as `kubectl set env` does) in the
// middle of a 500-namespace cluster fan-out. The watcher's Recreate strategy stops its Pod before the new one
// starts; the admission Deployment rolls one replica at a time. The new Pods converge every namespace
// (expectConverged, test/faults/cluster.ts). Times and restart counts are printed, never asserted.
import { expectConverged } from "../faults/cluster";
import { eventually, k, kJson, uid } from "../integration/helpers";
import { describeNode } from "../node/state";
import { DEPLOYMENTS, ensureDeployed, rollouts } from "./install";
import {
  adminClient,
  faultMidFanOut,
  fanOutSetup,
  modulePods,
  restartFigures,
  seconds,
} from "./faults";

const N = 500;
const ENV = "CHEIRON_TEST_ROLLOUT";

describeNode("Pod faults: a rollout of both Deployments mid fan-out", () => {
  jest.setTimeout(1_200_000);
  let cleanup = async () => {};
  afterAll(() => cleanup());

  test(`the new Pods converge all ${N} namespaces`, async () => {
    await ensureDeployed();
    const admin = adminClient();
    const f = await fanOutSetup(admin, "pf-rollout", N);
    cleanup = f.cleanup;
    const before = await rollouts();
    const [old] = await modulePods("watcher");
    const build = uid();
    const deployments = DEPLOYMENTS.map(d => `deployment/${d}`);
    const r = await faultMidFanOut(admin, f, old, () =>
      k(["set", "env", ...deployments, "-n", "pepr-system", `${ENV}=${build}`]),
    );
    let last = before;
    await eventually(
      async () => {
        last = await rollouts();
        expect(
          DEPLOYMENTS.map(d => last[d].generation > before[d].generation && last[d].done),
        ).toEqual(DEPLOYMENTS.map(() => true));
      },
      300_000,
      250,
    );
    const tRolled = Date.now();
    await expectConverged(admin, f.expected, 600_000);
    console.log(
      `[pods] rollout of both Deployments at ${r.atFault}/${N} attached, ${r.atGone}/${N} when the old watcher was gone; rolled out ${((tRolled - r.tFault) / 1000).toFixed(1)} s after the change; converged ${seconds(r.tFault)} s after it (${seconds(r.t0)} s after the manager); ${await restartFigures()}`,
    );
    // The rollout began mid fan-out. Whether the old watcher finished the rest in its grace period (it does on an
    // idle machine: 500 of 500 when it was gone) or the new one did, every namespace must converge with nothing lost.
    expect(r.atFault).toBeLessThan(N);
    // Every live Pod of the module is of the new revision.
    const pods = (await kJson(["get", "pods", "-n", "pepr-system"])).items as any[];
    const live = pods.filter(p => !p.metadata.deletionTimestamp);
    const builds = live.map(p => p.spec.containers[0].env?.find((e: any) => e.name === ENV)?.value);
    expect(builds).toEqual([build, build, build]);
  });
});
