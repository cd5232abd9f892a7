// Cleanup visits every ServiceAccount that records the manager's entries (issue 11 #3), and each manager releases
// only its own entries (issue 11 #4), through the real apiserver.
import {
  apply,
  createPullSecret,
  describeCluster,
  eventually,
  inline,
  k,
  kJson,
  manager,
  newNamespace,
  pullsOf,
} from "./helpers";

const AB = "cheiron.anny.co/attached-by";

describeCluster("controller: cleanup reaches every namespace it attached in", () => {
  // Before: cleanup visited only namespaces with a Secret the manager owned (plus its own), so the references
  // to a cluster manager's source, used as-is in the source's namespace, stayed after the manager was deleted.
  it("detaches the source used as-is in its own namespace, and never touches the source", async () => {
    const src = await newNamespace("cleanup-src", { cleanup: "src" });
    await createPullSecret(src, "org-cred");
    const name = `cleanup-${src}`;
    await apply(
      manager("ClusterImagePullSecretManager", name, {
        namespaceSelector: { matchLabels: { cleanup: "src" } },
        secrets: [{ existingSecretRef: { name: "org-cred", namespace: src } }],
      }),
    );
    await eventually(async () => expect(await pullsOf(src, "default")).toEqual(["org-cred"]));
    const before = await kJson(["get", "secret", "org-cred", "-n", src]);
    await k(["delete", "cipsm", name, "--wait=true", "--timeout=60s"]);
    expect(await pullsOf(src, "default")).toEqual([]);
    const after = await kJson(["get", "secret", "org-cred", "-n", src]);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });
});

describeCluster("controller: each manager releases only its own entries", () => {
  // Before: Orphan stripped every name the manager lists from reconcile-with, in every namespace, so the entry
  // of another manager with the same name turned into a "user" entry that dangled after that manager went.
  it("Orphan of a cluster manager keeps the namespaced manager's same-name entry recorded as its own", async () => {
    const ns = await newNamespace("orphan-mix", { "orphan-mix": "yes" });
    await apply(manager("ImagePullSecretManager", "local", { secrets: [inline("shared")] }), ns);
    await eventually(async () => expect(await pullsOf(ns, "default")).toEqual(["shared"]));
    const cluster = `orphan-${ns}`;
    await apply(
      manager("ClusterImagePullSecretManager", cluster, {
        namespaceSelector: { matchLabels: { "orphan-mix": "yes" } },
        deletionPolicy: "Orphan",
        secrets: [inline("shared"), inline("extra")],
      }),
    );
    await eventually(async () => {
      expect(await pullsOf(ns, "default")).toEqual(["shared", "extra"]);
      const sa = await kJson(["get", "sa", "default", "-n", ns]);
      expect(sa.metadata.annotations[AB]).toBe(`shared=ipsm.${ns}.local,extra=cipsm.${cluster}`);
    });

    await k(["delete", "cipsm", cluster, "--wait=true", "--timeout=60s"]);
    const orphaned = await kJson(["get", "sa", "default", "-n", ns]);
    expect(orphaned.imagePullSecrets.map((r: { name: string }) => r.name)).toEqual([
      "shared",
      "extra",
    ]);
    expect(orphaned.metadata.annotations[AB]).toBe(`shared=ipsm.${ns}.local`);
    expect(orphaned.metadata.annotations["cheiron.anny.co/reconcile-with"]).toBe("shared");

    await k(["delete", "ipsm", "local", "-n", ns, "--wait=true", "--timeout=60s"]);
    expect(await pullsOf(ns, "default")).toEqual(["extra"]); // the orphaned entry is the user's now
  });
});
