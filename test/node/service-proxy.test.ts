// A service proxy on the node (issue 25 #2): kube-proxy in iptables mode, started by the node harness, so a Pod
// reaches the apiserver by the `kubernetes` Service's ClusterIP (what Pepr's controller in a Pod does). The Pod
// runs the test app in its apiserver mode: GET https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/version
// with its projected token and the cluster's CA, printing the answer. That the harness removes every rule
// kube-proxy added is checked by its teardown (test/harness/node-host.ts leftovers()).
import { apply, k, kJson, newNamespace } from "../integration/helpers";
import { waitPodEnded } from "./pods";
import { describeNode, nodeState } from "./state";

describeNode("a service proxy on the real node", () => {
  test("a Pod reaches the apiserver by the kubernetes Service's ClusterIP with its own token", async () => {
    const { a } = nodeState().registries;
    const ns = await newNamespace("node-proxy");
    await k([
      "create",
      "secret",
      "docker-registry",
      "pull",
      "-n",
      ns,
      `--docker-server=${a.host}`,
      `--docker-username=${a.user}`,
      `--docker-password=${a.password}`,
    ]);
    await apply(
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "ask", namespace: ns },
        spec: {
          restartPolicy: "Never",
          imagePullSecrets: [{ name: "pull" }],
          containers: [
            {
              name: "app",
              image: a.image,
              env: [{ name: "CHEIRON_APP_APISERVER", value: "true" }],
            },
          ],
        },
      }),
    );
    const svc = await kJson(["get", "service", "kubernetes", "-n", "default"]);
    const { phase, log } = await waitPodEnded(ns, "ask");
    expect({ phase, log }).toEqual({
      phase: "Succeeded",
      log: expect.stringMatching(
        new RegExp(
          `apiserver at ${svc.spec.clusterIP}:443 answered 200: .*"gitVersion": "v1.37.2"`,
        ),
      ),
    });
    await k(["delete", "namespace", ns, "--wait=false"]);
  });
});
