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
