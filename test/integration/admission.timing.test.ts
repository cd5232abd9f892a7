// How fast the world reaches admission: a Pod created the moment its Namespace exists already references
// Secrets that exist within 1 s, and a manager change shows in admitted objects within 2 s.
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
import {
  allSecretsExist,
  createPod,
  createServiceAccount,
  ms,
  podJson,
  withoutRestart,
} from "./admission-helpers";

describeCluster("admission: timing", () => {
  const clusterManagers: string[] = [];
  afterAll(async () => {
    if (clusterManagers.length === 0) return;
    const names = clusterManagers.map(n => `clusterimagepullsecretmanager/${n}`);
    await k(["delete", ...names, "--ignore-not-found", "--wait", "--timeout=60s"]);
  });

  it("a Pod created at once in a new Namespace references Secrets that exist within 1 s", async () => {
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

    const { refs, tPod, took, ns } = await withoutRestart(async () => {
      const t0 = Date.now();
      const ns = await newNamespace("adm-fresh", { "cheiron-test": label });
      const { obj: pod, webhook } = await createPod(podJson(ns, "web", "ghcr.io/org/app:1"));
      const tPod = Date.now();
      expect(webhook).toBe("mutated");
      const refs = names(pod.spec.imagePullSecrets) as string[];
      while (!(await allSecretsExist(ns, refs)) && ms(tPod) < 1000);
      return { refs, tPod: tPod - t0, took: ms(tPod), ns };
    });
    console.log(
      `[admission] new namespace: Pod admitted ${tPod} ms after the Namespace was sent, ` +
        `its Secrets present ${took} ms after the Pod`,
    );
    expect(refs).toEqual(["fresh-regcred"]);
    expect(await allSecretsExist(ns, refs)).toBe(true);
    expect(took).toBeLessThan(1000);
  });

  it("a manager change reaches admission within 2 s", async () => {
    const ns = await newNamespace("adm-change");
    const first = inline("first");
    await apply(manager("ImagePullSecretManager", "pull", { secrets: [first] }), ns);
    await eventually(async () => {
      const { obj } = await createServiceAccount(ns, `warm-${uid()}`);
      expect(names(obj.imagePullSecrets)).toEqual(["first"]);
    });

    const { seen, took, probes } = await withoutRestart(async attempt => {
      const second = inline(`second-${attempt}`);
      await apply(manager("ImagePullSecretManager", "pull", { secrets: [first, second] }), ns);
      const t0 = Date.now();
      let seen: (string | undefined)[] = [];
      let probes = 0;
      while (!seen.includes(second.name) && ms(t0) < 10_000) {
        const { obj } = await createServiceAccount(ns, `probe-${attempt}-${probes++}`);
        seen = names(obj.imagePullSecrets);
      }
      return { seen, took: ms(t0), probes };
    });
    console.log(`[admission] manager change seen by admission after ${took} ms (${probes} probes)`);
    expect(seen).toEqual(["first", expect.stringMatching(/^second-\d$/)]);
    expect(took).toBeLessThan(2000);
  });
});
