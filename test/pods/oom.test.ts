// Pod fault (issue 25 #4 d): the watcher's memory limit lowered (its Deployment, request = limit) step by step
// until the kubelet OOM-kills it (the Pod's lastState.terminated.reason is OOMKilled; the node's cgroups enforce
// the limit), while a 200-namespace manager waits; then the limit is raised back to the manifest's 512Mi: the new
// Pod converges every namespace (expectConverged, test/faults/cluster.ts). The restart counts of the OOM-killed Pod
// and of the Pods after it are printed, as are the times; neither is asserted.
import { expectConverged } from "../faults/cluster";
import { eventually, k } from "../integration/helpers";
import { describeNode } from "../node/state";
import { ensureDeployed } from "./install";
import {
  adminClient,
  fanOutSetup,
  ModulePod,
  modulePods,
  restartFigures,
  seconds,
  waitReplaced,
} from "./faults";

const N = 200;
const STEPS = ["128Mi", "96Mi", "64Mi", "48Mi"];

const setMemory = (request: string, limit: string) =>
  k([
    "set",
    "resources",
    "deployment/pepr-cheiron-watcher",
    "-n",
    "pepr-system",
    `--requests=memory=${request}`,
    `--limits=memory=${limit}`,
  ]);

describeNode("Pod faults: the watcher OOM-killed by the kubelet", () => {
  jest.setTimeout(1_500_000);
  let cleanup = async () => {};
  afterAll(() => cleanup());

  test(`OOMKilled under a lowered limit, then raised again: it restarts and converges ${N} namespaces`, async () => {
    await ensureDeployed();
    const admin = adminClient();
    const f = await fanOutSetup(admin, "pf-oom", N);
    cleanup = f.cleanup;
    const t0 = Date.now();
    let killed: ModulePod | undefined;
    let limit = "";
    for (const step of STEPS) {
      limit = step;
      await setMemory(step, step);
      if (!killed && limit === STEPS[0]) await f.apply();
      killed = await eventually(
        async () => {
          const p = (await modulePods("watcher")).find(
            x => !x.deleting && x.lastReason === "OOMKilled",
          );
          if (!p) throw new Error(`no watcher OOM-killed under ${step}`);
          return p;
        },
        90_000,
        1000,
      ).catch(() => undefined);
      if (killed) break;
    }
    const tKilled = Date.now();
    console.log(
      `[pods] watcher OOMKilled under a ${limit} limit, ${seconds(t0)} s after the first lowering: ${killed?.name} ${killed?.restarts} restarts`,
    );
    expect(killed?.lastReason).toBe("OOMKilled");

    await setMemory("256Mi", "512Mi");
    await waitReplaced("watcher", [killed!.uid], 1);
    await expectConverged(admin, f.expected, 600_000);
    console.log(
      `[pods] after the limit was raised: converged ${seconds(tKilled)} s later; ${await restartFigures()}`,
    );
  });
});
