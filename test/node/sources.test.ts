// existingSecretRef on a real node: a ClusterImagePullSecretManager fans a source Secret out into the namespaces
// it covers, and the kubelet pulls with the copy, for a source made by `kubectl create secret docker-registry`
// and for one in the legacy `.dockercfg` form (kubernetes.io/dockercfg).
import { apply, k, manager, newNamespace, pullsOf, eventually, uid } from "../integration/helpers";
import { deployment, waitForPod, waitManagerReady } from "./pods";
import { describeNode, nodeState } from "./state";

async function runsWithCopyOf(source: string, sourceNs: string) {
  const { a } = nodeState().registries;
  const label = `node-src-${uid()}`;
  const ns = await newNamespace("node-src", { "cheiron-test": label });
  await apply(
    manager("ClusterImagePullSecretManager", label, {
      namespaceSelector: { matchLabels: { "cheiron-test": label } },
      secrets: [{ name: "copied", existingSecretRef: { name: source, namespace: sourceNs } }],
    }),
  );
  await waitManagerReady("cipsm", label);
  await eventually(async () => expect(await pullsOf(ns, "default")).toContain("copied"), 60_000);
  await deployment(ns, "app", a.image);
  const running = await waitForPod(ns, "app", "Running");
  expect(running.pullSecrets).toEqual(["copied"]);
  await k(["delete", "clusterimagepullsecretmanager", label, "--wait=true", "--timeout=60s"]);
  await k(["delete", "namespace", ns, "--wait=false"]);
}

describeNode("existingSecretRef, on a real node", () => {
  test("a source made by kubectl create secret docker-registry is copied, and the Deployment runs with the copy", async () => {
    const { a } = nodeState().registries;
    const sources = await newNamespace("node-sources");
    await k([
      ...["create", "secret", "docker-registry", "regcred", "-n", sources],
      `--docker-server=${a.host}`,
      `--docker-username=${a.user}`,
      `--docker-password=${a.password}`,
    ]);
    await runsWithCopyOf("regcred", sources);
  });

  test("a source in the legacy .dockercfg form is copied, and the Deployment runs with the copy", async () => {
    const { a } = nodeState().registries;
    const sources = await newNamespace("node-sources");
    const auth = Buffer.from(`${a.user}:${a.password}`).toString("base64");
    const dockercfg = JSON.stringify({ [a.host]: { auth, email: "test@example.com" } });
    await apply(
      JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "legacy", namespace: sources },
        type: "kubernetes.io/dockercfg",
        data: { ".dockercfg": Buffer.from(dockercfg).toString("base64") },
      }),
    );
    await runsWithCopyOf("legacy", sources);
  });
});
