// Stuck Pods for real: a Deployment created before any manager sits in ImagePullBackOff (the kubelet's own
// back-off); a manager without recreateStuckPods reports the Pod and leaves it alone; with recreateStuckPods the
// Pod is deleted, the real ReplicaSet controller makes a new one, and that Pod runs. A bare Pod is reported and
// never deleted.
import { apply, k, manager, newNamespace, eventually, status } from "../integration/helpers";
import { barePod, deployment, podsOf, waitForPod, waitManagerReady } from "./pods";
import { describeNode, nodeState } from "./state";

/** The kubelet alternates ErrImagePull (at each try) and ImagePullBackOff (between tries). */
const PULL_FAILED = /^(ErrImagePull|ImagePullBackOff)$/;

describeNode("stuck Pods, on a real node", () => {
  test("reported and left alone without recreateStuckPods; with it the ReplicaSet's new Pod runs, and a bare Pod is never deleted", async () => {
    const { a } = nodeState().registries;
    const ns = await newNamespace("node-stuck");
    await deployment(ns, "app", a.image);
    await barePod(ns, "bare", a.image);
    const stuck = await waitForPod(ns, "app", "ImagePullBackOff");
    const bare = await waitForPod(ns, "bare", "ImagePullBackOff");

    const secrets = [
      { name: "registry-a", registry: a.host, username: a.user, password: a.password },
    ];
    await apply(manager("ImagePullSecretManager", "pulls", { secrets }, ns), ns);
    await waitManagerReady("ipsm", "pulls", ns);
    // Reported (the module looked at both Pods) ...
    await eventually(async () => {
      const s = await status("ipsm", "pulls", ns);
      expect(s.stuckPodNames).toEqual([`${ns}/${bare.name}`, `${ns}/${stuck.name}`].sort());
    }, 60_000);
    // ... and left alone: the same Pods, still in ImagePullBackOff.
    const [still] = await podsOf(ns, "app");
    expect([still.uid, still.seen]).toEqual([stuck.uid, expect.stringMatching(PULL_FAILED)]);

    const recreate = JSON.stringify({ spec: { recreateStuckPods: true } });
    await k(["patch", "ipsm", "pulls", "-n", ns, "--type=merge", "-p", recreate]);
    const replacement = await waitForPod(ns, "app", "Running");
    expect(replacement.uid).not.toBe(stuck.uid);
    expect(replacement.pullSecrets).toEqual(["registry-a"]);
    // The bare Pod: still the same one, still stuck, still reported (the look that deleted the other one counts
    // it too, docs/api.md).
    const [bareNow] = await podsOf(ns, "bare");
    expect([bareNow.uid, bareNow.seen]).toEqual([bare.uid, expect.stringMatching(PULL_FAILED)]);
    expect((await status("ipsm", "pulls", ns)).stuckPodNames).toContain(`${ns}/${bare.name}`);
    await k(["delete", "namespace", ns, "--wait=false"]);
  });
});
