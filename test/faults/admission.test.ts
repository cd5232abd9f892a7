// Fault matrix (issue 12 #2): the admission process down while ServiceAccounts and Pods are created. The built
// webhook configurations (failurePolicy Ignore, as `pepr build` writes them for onError: ignore) point at a
// loopback port where nothing listens: the apiserver admits both bare (its audit log says the webhook failed
// open). The watcher backfills the ServiceAccounts; once the admission process is back, new Pods get the
// references and the Pod-mode manager's status counts them (a Pod cannot change, so the bare ones stay bare and
// uncounted).
import { applyWebhooks, waitForLog } from "../harness/built-module";
import { freePort, Proc, stopProc } from "../harness/proc";
import { auditEvents } from "../harness/audit";
import { eventually, k, kJson, names, pullsOf, uid } from "../integration/helpers";
import {
  applyClusterManager,
  createNamespaces,
  describeFaults,
  expectConverged,
  FaultCluster,
  startFaultCluster,
} from "./cluster";

const pod = (name: string) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { containers: [{ name: "c", image: "ghcr.io/example/app:1" }] },
  });

describeFaults("faults: the admission process down", () => {
  let c: FaultCluster;
  let admission: Proc | undefined;
  let port = 0;
  const run = uid();
  const namespaces = [0, 1, 2].map(i => `a-${run}-${i}`);

  beforeAll(async () => {
    c = await startFaultCluster();
    port = await freePort();
    await applyWebhooks(c.w.cp.kubeconfig, c.w.manifest, port, c.w.apiPath, c.w.tls.ca);
    await createNamespaces(c.admin, namespaces, { faults: run });
    await applyClusterManager("by-sa", run);
    await applyClusterManager("by-pod", run, undefined, { mode: "Pod" });
  }, 600_000);

  afterAll(async () => {
    if (admission) await stopProc(admission);
    await c?.w.stop();
  });

  it("ServiceAccounts and Pods created while admission is down are admitted bare; the ServiceAccounts are backfilled, later Pods counted", async () => {
    const since = new Date().toISOString();
    for (const ns of namespaces) {
      await k(["create", "sa", "built", "-n", ns]);
      await k(["apply", "-n", ns, "-f", "-"], { input: pod("bare") });
    }
    const failedOpen = auditEvents({ since, verbs: ["create"] }, c.w.cp.auditLog)
      .filter(e => namespaces.includes(e.objectRef?.namespace ?? ""))
      .filter(e =>
        Object.keys(e.annotations ?? {}).some(a => a.startsWith("failed-open.mutation")),
      );
    expect(
      failedOpen.map(e => `${e.objectRef?.resource}/${e.objectRef?.namespace}`).sort(),
    ).toEqual(namespaces.flatMap(ns => [`pods/${ns}`, `serviceaccounts/${ns}`]).sort());
    for (const ns of namespaces) {
      const bare = await kJson(["get", "pod", "bare", "-n", ns]);
      expect(names(bare.spec.imagePullSecrets)).not.toContain("by-pod");
    }
    // the watcher backfills what admission missed
    await eventually(
      async () => {
        for (const ns of namespaces) expect(await pullsOf(ns, "built")).toContain("by-sa");
      },
      120_000,
      500,
    );

    admission = await c.w.startAdmission("own-admission", port);
    await waitForLog(admission, "Cheiron admission view ready", 120_000);
    for (const ns of namespaces) await k(["apply", "-n", ns, "-f", "-"], { input: pod("after") });
    for (const ns of namespaces) {
      const after = await kJson(["get", "pod", "after", "-n", ns]);
      expect(names(after.spec.imagePullSecrets)).toContain("by-pod");
    }
    // Pods are not watched: the manager recounts at its next run, which a namespace event starts (as in
    // integration/controller.pods.test.ts); the bare Pods carry nothing of it and are not counted.
    await k(["label", "ns", namespaces[0], `recount=${uid()}`]);
    await eventually(
      async () => {
        const st = (await kJson(["get", "cipsm", "by-pod"])).status;
        expect(st.pods).toBe(namespaces.length);
      },
      120_000,
      1000,
    );
    await expectConverged(c.admin, {
      namespaces,
      secrets: ["by-sa"],
      managers: ["by-sa"],
      serviceAccounts: 2 * namespaces.length, // default and built
    });
  }, 420_000);
});
