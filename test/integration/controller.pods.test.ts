// Issue 11 #11: mode Pod counts the Pods carrying its references in pages, never with one unpaginated
// cluster-wide list (which fails on a large cluster and stopped status updates). The suite's module pages by 40
// (CHEIRON_POD_PAGE_SIZE), so ~100 Pods over 12 namespaces take several pages through the real apiserver.
import { ApiClient } from "../../src/k8s/client";
import { loadApiConfig } from "../../src/k8s/config";
import { runBounded } from "../../src/controllers/bounded";
import { auditEvents } from "../harness/audit";
import { MODULE_USER } from "../harness/control-plane";
import { apply, describeCluster, eventually, k, kubeconfig, manager, status, uid } from "./helpers";

const NAMESPACES = 12;
const PODS_EACH = 9;

describeCluster("controller: Pod mode counts Pods page by page", () => {
  it(`counts ${NAMESPACES * PODS_EACH} Pods in pages of 40, across ${NAMESPACES} namespaces`, async () => {
    process.env.KUBECONFIG = kubeconfig();
    const admin = new ApiClient(loadApiConfig(), { maxConnections: 8 });
    const run = uid();
    const label = { "cheiron-test/pods": run };
    const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `pods-${run}-${i}`);
    const name = `pods-${run}`;
    await runBounded(
      namespaces.map(
        ns => () =>
          admin
            .create("/api/v1/namespaces", { metadata: { name: ns, labels: label } })
            .then(() => undefined),
      ),
      8,
    );
    await apply(
      manager("ClusterImagePullSecretManager", name, {
        mode: "Pod",
        namespaceSelector: { matchLabels: label },
        secrets: [{ name: "pod-pull", registry: "ghcr.io", username: "u", password: `p-${run}` }],
      }),
    );
    await eventually(async () => expect((await status("cipsm", name)).namespaces).toBe(NAMESPACES));
    const pod = (ns: string, i: number) => ({
      metadata: { name: `p${i}`, namespace: ns },
      spec: {
        serviceAccountName: "default",
        containers: [{ name: "c", image: "ghcr.io/org/app:1" }],
      },
    });
    await eventually(async () => {
      for (const ns of namespaces)
        await admin.get(`/api/v1/namespaces/${ns}/serviceaccounts/default`);
    }, 60_000);
    const since = new Date().toISOString();
    await runBounded(
      namespaces.flatMap(ns =>
        Array.from(
          { length: PODS_EACH },
          (_, i) => () =>
            admin.create(`/api/v1/namespaces/${ns}/pods`, pod(ns, i)).then(() => undefined),
        ),
      ),
      8,
    );
    // a new namespace event makes the manager's status flush recount
    await k(["label", "ns", namespaces[0], `recount=${uid()}`]);
    await eventually(
      async () => expect((await status("cipsm", name)).pods).toBe(NAMESPACES * PODS_EACH),
      30_000,
    );

    const lists = auditEvents({ user: MODULE_USER, verbs: ["list"], resource: "pods" }).filter(
      e => e.stageTimestamp >= since,
    );
    expect(lists.length).toBeGreaterThanOrEqual(3);
    expect(lists.every(e => /[?&]limit=40(&|$)/.test(e.requestURI))).toBe(true);
    expect(lists.some(e => /[?&]continue=/.test(e.requestURI))).toBe(true);

    await k(["delete", "cipsm", name, "--wait=true", "--timeout=60s"]);
    await runBounded(
      namespaces.map(ns => () => admin.delete(`/api/v1/namespaces/${ns}`).then(() => undefined)),
      8,
    );
    admin.close();
  }, 180_000);
});
