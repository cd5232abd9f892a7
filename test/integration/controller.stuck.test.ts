// Stuck Pods: Pods created before their pull credentials arrived, waiting with ErrImagePull or ImagePullBackOff,
// are reported in status and an Event; with spec.recreateStuckPods the ones a ReplicaSet controls are deleted (so
// it recreates them with the references) when a new Pod from the same template gets what they lack, a bare Pod
// never. The control plane runs the real ReplicaSet and Deployment controllers but has no kubelet: the test sets
// each Pod's status through the status subresource as a kubelet does.
import { auditEvents } from "../harness/audit";
import { MODULE_USER } from "../harness/control-plane";
import {
  apply,
  describeCluster,
  eventually,
  getOrUndefined,
  inline,
  k,
  kJson,
  manager,
  managerEvents,
  moduleWrites,
  names,
  newNamespace,
  pullsOf,
  status,
  uid,
  waitGone,
} from "./helpers";
import { IMAGE, podsOf, setPodStatus } from "./pod-status";

const container = { name: "app", image: IMAGE };

/** A workload of `kind` (ReplicaSet or Deployment) with one replica labelled app=<name>. */
const workload = (kind: "ReplicaSet" | "Deployment", name: string, podSpec: object = {}) => {
  const labels = { app: name };
  return JSON.stringify({
    apiVersion: "apps/v1",
    kind,
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container], ...podSpec } },
    },
  });
};

/** A ReplicaSet and the Pod its controller made, a bare Pod, and a Pod that runs; the first two stuck. */
async function stuckWorkloads(prefix: string) {
  const ns = await newNamespace(prefix);
  await eventually(() => kJson(["get", "sa", "default", "-n", ns]), 60_000);
  expect((await apply(workload("ReplicaSet", "web"), ns)).code).toBe(0);
  const [made] = await podsOf(ns, "web");
  const owned: string = made.metadata.name;
  const pod = (name: string) =>
    JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name },
      spec: { containers: [container] },
    });
  expect((await apply(pod("bare"), ns)).code).toBe(0);
  expect((await apply(pod("running"), ns)).code).toBe(0);
  await setPodStatus(ns, owned, "ErrImagePull");
  await setPodStatus(ns, "bare", "ImagePullBackOff");
  await setPodStatus(ns, "running", "Running");
  return { ns, owned };
}

const podDeletes = (ns: string) =>
  moduleWrites(
    e => e.verb === "delete" && e.objectRef?.resource === "pods" && e.objectRef.namespace === ns,
  );

/** The module's Pod list calls in one namespace (from the apiserver's audit log). */
const podLists = (ns: string) =>
  auditEvents({ user: MODULE_USER, verbs: ["list"], resource: "pods", namespace: ns });

describeCluster("controller: stuck Pods", () => {
  it("recreateStuckPods: deletes the Pod a ReplicaSet controls, never the bare one, and reports both", async () => {
    const { ns, owned } = await stuckWorkloads("stuck-recreate");
    const password = `pw-${uid()}`;
    await apply(
      manager("ImagePullSecretManager", "pulls", {
        secrets: [inline("ghcr", "ghcr.io", password)],
        recreateStuckPods: true,
      }),
      ns,
    );
    await eventually(async () => expect(await pullsOf(ns, "default")).toEqual(["ghcr"]));

    await waitGone(["pod", owned, "-n", ns]);
    // The real ReplicaSet controller makes a new Pod; the ServiceAccount admission plugin gives it the reference.
    const [replacement] = await podsOf(ns, "web");
    expect(replacement.metadata.name).not.toBe(owned);
    expect(names(replacement.spec.imagePullSecrets)).toEqual(["ghcr"]);
    const st = await eventually(async () => {
      const s = await status("ipsm", "pulls", ns);
      expect(s.stuckPods).toBe(2);
      return s;
    });
    expect(st.stuckPodReasons).toBeUndefined();
    expect(st.stuckPodNames).toEqual([`${ns}/bare`, `${ns}/${owned}`].sort());
    expect(await getOrUndefined(["get", "pod", "bare", "-n", ns])).toBeDefined();
    expect(await getOrUndefined(["get", "pod", "running", "-n", ns])).toBeDefined();

    const event = await eventually(async () => {
      const e = (await managerEvents(ns, "pulls")).find(x => x.reason === "RecreatedStuckPods");
      expect(e).toBeDefined();
      return e;
    });
    expect(event.type).toBe("Normal");
    expect(event.message).toContain(`Deleted 1 Pod`);
    expect(event.message).toContain(`${ns}/${owned}`);
    expect(event.message).toContain(`${ns}/bare`);
    expect(event.message).not.toContain(password);
    // Exactly one delete of a Pod by the module here, with the owned Pod's uid as precondition.
    const deletes = podDeletes(ns);
    expect(deletes.map(e => e.objectRef?.name)).toEqual([owned]);
    await k(["delete", "ipsm", "pulls", "-n", ns, "--wait=true", "--timeout=60s"]);
  }, 120_000);

  it("recreateStuckPods off: deletes nothing and reports both in status and a Warning; turning it on recreates", async () => {
    const { ns, owned } = await stuckWorkloads("stuck-report");
    await apply(manager("ImagePullSecretManager", "pulls", { secrets: [inline("ghcr")] }), ns);
    const st = await eventually(async () => {
      const s = await status("ipsm", "pulls", ns);
      expect(s.stuckPods).toBe(2);
      return s;
    });
    expect(st.stuckPodNames).toEqual([`${ns}/bare`, `${ns}/${owned}`].sort());
    const warning = await eventually(async () => {
      const e = (await managerEvents(ns, "pulls")).find(x => x.reason === "StuckPods");
      expect(e).toBeDefined();
      return e;
    });
    expect(warning.type).toBe("Warning");
    expect(warning.message).toMatch(/^2 Pods wait on an image pull/);
    expect(warning.message).toContain("spec.recreateStuckPods is off");
    expect(await getOrUndefined(["get", "pod", owned, "-n", ns])).toBeDefined();
    expect(podDeletes(ns)).toEqual([]);

    // A spec change is a reason to look again at once: the owned Pod goes, the bare one stays.
    await k([
      "patch",
      "ipsm",
      "pulls",
      "-n",
      ns,
      "--type=merge",
      "-p",
      '{"spec":{"recreateStuckPods":true}}',
    ]);
    await waitGone(["pod", owned, "-n", ns]);
    expect(await getOrUndefined(["get", "pod", "bare", "-n", ns])).toBeDefined();
    expect(podDeletes(ns).map(e => e.objectRef?.name)).toEqual([owned]);
    await k(["delete", "ipsm", "pulls", "-n", ns, "--wait=true", "--timeout=60s"]);
  }, 120_000);

  it("recreateStuckPods, mode ServiceAccount: a Deployment whose template lists its own imagePullSecrets keeps its stuck Pod, reported with why", async () => {
    const ns = await newNamespace("stuck-own");
    await eventually(() => kJson(["get", "sa", "default", "-n", ns]), 60_000);
    const own = { imagePullSecrets: [{ name: "regcred" }] };
    expect((await apply(workload("Deployment", "api", own), ns)).code).toBe(0);
    const [made] = await podsOf(ns, "api");
    const pod = `${ns}/${made.metadata.name}`;
    expect(names(made.spec.imagePullSecrets)).toEqual(["regcred"]);
    await setPodStatus(ns, made.metadata.name, "ImagePullBackOff");
    await apply(
      manager("ImagePullSecretManager", "pulls", {
        secrets: [inline("ghcr")],
        recreateStuckPods: true,
      }),
      ns,
    );
    await eventually(async () => expect(await pullsOf(ns, "default")).toEqual(["ghcr"]));

    // Positive proof the module looked at it (status is written after that look's deletes): stuck, and why.
    const st = await eventually(async () => {
      const s = await status("ipsm", "pulls", ns);
      expect(s.stuckPodNames).toEqual([pod]);
      return s;
    }, 30_000);
    expect(podDeletes(ns).map(e => e.objectRef?.name)).toEqual([]);
    expect(st.stuckPods).toBe(1);
    expect(st.stuckPodReasons).toEqual([
      {
        pod,
        reason: expect.stringMatching(
          /^the Pod sets its own imagePullSecrets \(regcred\): a new Pod from this template would not get the ServiceAccount's entries .*use mode Pod$/,
        ),
      },
    ]);
    const warning = await eventually(async () => {
      const e = (await managerEvents(ns, "pulls")).find(x => x.reason === "StuckPods");
      expect(e).toBeDefined();
      return e;
    });
    expect(warning.message).toContain(
      `left in place: ${pod} (the Pod sets its own imagePullSecrets`,
    );
    const [still] = await podsOf(ns, "api");
    expect(still.metadata.uid).toBe(made.metadata.uid);
    await k(["delete", "ipsm", "pulls", "-n", ns, "--wait=true", "--timeout=60s"]);
  }, 120_000);

  it("idle: with no stuck Pod, reconciles that attach nothing new read no Pods", async () => {
    const ns = await newNamespace("stuck-idle");
    await eventually(() => kJson(["get", "sa", "default", "-n", ns]), 60_000);
    await apply(manager("ImagePullSecretManager", "pulls", { secrets: [inline("ghcr")] }), ns);
    await eventually(async () => expect((await status("ipsm", "pulls", ns)).secrets).toBe(1));
    // One look when the name became attachable here, none of it stuck.
    await eventually(async () => expect(podLists(ns)).toHaveLength(1));
    expect((await status("ipsm", "pulls", ns)).stuckPods).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      await k(["label", "ns", ns, `touch=${i}`, "--overwrite"]); // a reconcile and a status flush each
      await new Promise(r => setTimeout(r, 700));
    }
    expect(podLists(ns)).toHaveLength(1);
    await k(["delete", "ipsm", "pulls", "-n", ns, "--wait=true", "--timeout=60s"]);
  }, 120_000);
});
