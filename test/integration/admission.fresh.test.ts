// What reaches admission and in which order: a Pod created the moment its Namespace exists already references
// the manager's Secret (which the controller then creates there), and a manager change shows in objects
// admitted after it. Outcomes only: how long these take is measured by the benchmarks (docs/benchmarks.md).
import {
  apply,
  describeCluster,
  eventually,
  inline,
  k,
  kJson,
  manager,
  names,
  newNamespace,
  uid,
} from "./helpers";
import { allSecretsExist, createPod, createServiceAccount, podJson } from "./admission-helpers";

describeCluster("admission: a new namespace and a manager change", () => {
  const clusterManagers: string[] = [];
  afterAll(async () => {
    if (clusterManagers.length === 0) return;
    const names = clusterManagers.map(n => `clusterimagepullsecretmanager/${n}`);
    await k(["delete", ...names, "--ignore-not-found", "--wait", "--timeout=60s"]);
  });

  it("a Pod created at once in a new Namespace references the manager's Secret, which is then created", async () => {
    const label = uid();
    const name = `adm-fresh-${label}`;
    clusterManagers.push(name);
    const spec = {
      mode: "Pod",
      namespaceSelector: { matchLabels: { "cheiron-test": label } },
      secrets: [inline("fresh-regcred", "ghcr.io")],
    };
    await apply(manager("ClusterImagePullSecretManager", name, spec));
    await eventually(async () => {
      const m = await kJson(["get", "clusterimagepullsecretmanager", name]);
      expect(m.status?.observedGeneration).toBe(m.metadata.generation);
    });

    const ns = await newNamespace("adm-fresh", { "cheiron-test": label });
    const { obj: pod, webhook } = await createPod(podJson(ns, "web", "ghcr.io/org/app:1"));
    expect(webhook).toBe("mutated");
    expect(names(pod.spec.imagePullSecrets)).toEqual(["fresh-regcred"]);
    await eventually(async () => expect(await allSecretsExist(ns, ["fresh-regcred"])).toBe(true));
  });

  it("a manager change reaches admission: ServiceAccounts created after it get the new entry", async () => {
    const ns = await newNamespace("adm-change");
    const first = inline("first");
    await apply(manager("ImagePullSecretManager", "pull", { secrets: [first] }), ns);
    await eventually(async () => {
      const { obj } = await createServiceAccount(ns, `warm-${uid()}`);
      expect(names(obj.imagePullSecrets)).toEqual(["first"]);
    });

    const second = inline("second");
    await apply(manager("ImagePullSecretManager", "pull", { secrets: [first, second] }), ns);
    await eventually(async () => {
      const { obj } = await createServiceAccount(ns, `probe-${uid()}`);
      expect(names(obj.imagePullSecrets)).toEqual(["first", "second"]);
    });
  });
});
