// Issue 11 #6 through the real apiserver: a source Secret that disappears for a moment (an external secrets tool
// re-creating it) keeps every copy and reference. Before, one missing read emptied the desired state: every copy
// in every namespace was deleted and detached, and Pods created in that window could not pull.
import {
  apply,
  createPullSecret,
  describeCluster,
  eventually,
  getOrUndefined,
  k,
  kJson,
  manager,
  newNamespace,
  pullsOf,
  status,
  uid,
} from "./helpers";

describeCluster("controller: a missing source keeps its copies", () => {
  it("keeps copies and references while the source is gone, reports it, and drops them with the entry", async () => {
    const id = uid();
    const label = { "cheiron-test/source": id };
    const src = await newNamespace("src");
    const target = await newNamespace("target", label);
    await createPullSecret(src, "org", "registry.example.com", "v1");
    const name = `source-${id}`;
    const spec = (secrets: object[]) => ({ namespaceSelector: { matchLabels: label }, secrets });
    await apply(
      manager(
        "ClusterImagePullSecretManager",
        name,
        spec([{ existingSecretRef: { name: "org", namespace: src } }]),
      ),
    );
    await eventually(async () => expect(await pullsOf(target, "default")).toEqual(["org"]));
    const copy = await kJson(["get", "secret", "org", "-n", target]);

    await k(["delete", "secret", "org", "-n", src]);
    await eventually(async () => {
      const reasons = ((await status("cipsm", name)).problems ?? []).map(
        (p: { reason: string }) => p.reason,
      );
      expect(reasons).toContain("SourceSecretMissing");
    });
    // a ServiceAccount created during the outage still gets the kept copy from the controller
    await k(["create", "sa", "late", "-n", target]);
    await eventually(async () => expect(await pullsOf(target, "late")).toEqual(["org"]));
    const during = await kJson(["get", "secret", "org", "-n", target]);
    expect(during.metadata.uid).toBe(copy.metadata.uid);
    expect(await pullsOf(target, "default")).toEqual(["org"]);

    await createPullSecret(src, "org", "registry.example.com", "v2");
    await eventually(async () => expect((await status("cipsm", name)).problems ?? []).toEqual([]));
    expect((await kJson(["get", "secret", "org", "-n", target])).metadata.uid).toBe(
      copy.metadata.uid,
    );

    // the manager stops listing the source: now the copy and its references go
    await k(["delete", "secret", "org", "-n", src]);
    await apply(
      manager(
        "ClusterImagePullSecretManager",
        name,
        spec([{ name: "other", registry: "ghcr.io", username: "u", password: `p-${id}` }]),
      ),
    );
    await eventually(async () => {
      expect(await getOrUndefined(["get", "secret", "org", "-n", target])).toBeUndefined();
      expect(await pullsOf(target, "default")).toEqual(["other"]);
    });
    await k(["delete", "cipsm", name, "--wait=true", "--timeout=60s"]);
  });
});

// Issue 22 #11d: the namespaced kind uses its Secrets as they are, and had no kept rule: a Secret that another
// tool deletes and creates again was detached from every ServiceAccount in between (and ServiceAccounts created
// in between never got it). Now the reference stays while the manager lists the Secret.
describeCluster("controller: a namespaced manager's Secret re-created by another tool", () => {
  it("stays referenced while it is missing; a Secret never attached waits until it exists", async () => {
    const ns = await newNamespace("recreate");
    await createPullSecret(ns, "pull", "registry.example.com", "v1");
    const entries = [
      { existingSecretRef: { name: "pull" } },
      { existingSecretRef: { name: "later" } },
    ];
    await apply(manager("ImagePullSecretManager", "m", { secrets: entries }), ns);
    const problems = async () =>
      ((await status("ipsm", "m", ns)).problems ?? [])
        .map((p: { secret: string; reason: string }) => `${p.secret}:${p.reason}`)
        .sort();
    await eventually(async () => {
      expect(await pullsOf(ns, "default")).toEqual(["pull"]);
      expect(await problems()).toEqual(["later:SourceSecretMissing"]);
    });

    await k(["delete", "secret", "pull", "-n", ns]);
    // the module has seen the deletion (status is written after the namespace's references)
    await eventually(async () =>
      expect(await problems()).toEqual(["later:SourceSecretMissing", "pull:SourceSecretMissing"]),
    );
    expect(await pullsOf(ns, "default")).toEqual(["pull"]);
    await k(["create", "sa", "late", "-n", ns]);
    await eventually(async () => expect(await pullsOf(ns, "late")).toEqual(["pull"]));

    await createPullSecret(ns, "pull", "registry.example.com", "v2");
    await createPullSecret(ns, "later", "registry.example.com", "v1");
    await eventually(async () => {
      expect(await problems()).toEqual([]);
      expect(await pullsOf(ns, "default")).toEqual(["pull", "later"]);
      expect(await pullsOf(ns, "late")).toEqual(["pull", "later"]);
    });

    // the manager stops listing it: now the reference goes (the Secret itself is the user's and stays)
    await k(["delete", "secret", "pull", "-n", ns]);
    await apply(
      manager("ImagePullSecretManager", "m", {
        secrets: [{ existingSecretRef: { name: "later" } }],
      }),
      ns,
    );
    await eventually(async () => expect(await pullsOf(ns, "default")).toEqual(["later"]));
    await k(["delete", "ipsm", "m", "-n", ns, "--wait=true", "--timeout=60s"]);
    expect(await pullsOf(ns, "default")).toEqual([]);
  });
});
