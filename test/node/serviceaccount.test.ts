// ServiceAccount mode on a real node: the kubelet pulls the private image with the Secret Cheiron wrote and
// attached to the namespace's ServiceAccount; where the namespace opted out, the same Deployment stays in
// ImagePullBackOff with the registry's refusal.
import { apply, k, newNamespace, pullsOf, eventually, uid } from "../integration/helpers";
import { containerLog, deployment, waitForPod } from "./pods";
import { describeNode, nodeState } from "./state";

describeNode("ServiceAccount mode, on a real node", () => {
  test("a Deployment with a private image runs in a namespace the manager covers, and stays in ImagePullBackOff in one that opted out", async () => {
    const { a } = nodeState().registries;
    const label = `node-sa-${uid()}`;
    const covered = await newNamespace("node-sa", { "cheiron-test": label });
    const optedOut = await newNamespace(
      "node-sa-out",
      { "cheiron-test": label },
      { "cheiron.anny.co/ignore": "true" },
    );
    await apply(
      JSON.stringify({
        apiVersion: "cheiron.anny.co/v1alpha1",
        kind: "ClusterImagePullSecretManager",
        metadata: { name: label },
        spec: {
          namespaceSelector: { matchLabels: { "cheiron-test": label } },
          secrets: [
            { name: "registry-a", registry: a.host, username: a.user, password: a.password },
          ],
        },
      }),
    );
    // The manager has acted (what `kubectl get sa` shows a user) before the Deployments are applied.
    await eventually(
      async () => expect(await pullsOf(covered, "default")).toContain("registry-a"),
      60_000,
    );

    await deployment(covered, "app", a.image);
    await deployment(optedOut, "app", a.image);

    const running = await waitForPod(covered, "app", "Running");
    expect(running.pullSecrets).toEqual(["registry-a"]);
    await eventually(async () =>
      expect(containerLog(covered, running.name)).toContain("cheiron test app: running"),
    );

    const stuck = await waitForPod(optedOut, "app", "ImagePullBackOff");
    expect(stuck.pullSecrets).toEqual([]);
    expect(await pullsOf(optedOut, "default")).toEqual([]);
    // The registry refused the anonymous pull: the failure is the missing credential, nothing else.
    expect(stuck.message).toMatch(/no basic auth credentials|401 Unauthorized/);

    await k(["delete", "clusterimagepullsecretmanager", label, "--wait=true", "--timeout=60s"]);
    await k(["delete", "namespace", covered, optedOut, "--wait=false"]);
  });
});
