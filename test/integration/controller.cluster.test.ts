// The cluster kind: fan-out by namespace selector with exclusions, opt-outs and system namespaces, new
// namespaces picked up at once, rotation of a source Secret reaching every copy, two managers on one namespace.
import {
  apply,
  createPullSecret,
  decodeDockerConfig,
  describeCluster,
  eventually,
  getOrUndefined,
  inline,
  k,
  kJson,
  manager,
  moduleQuietIn,
  moduleWrites,
  names,
  pullsOf,
  newNamespace,
  uid,
} from "./helpers";
import { proveReconciled } from "./proofs";

describeCluster("controller: ClusterImagePullSecretManager", () => {
  const id = uid();
  const label = { "cheiron-test/fanout": id };
  const cm = `fanout-${id}`;
  const secret = `cl-${id}`;
  let kept: string, excluded: string, optedOut: string, sources: string;

  beforeAll(async () => {
    sources = await newNamespace("sources");
    await createPullSecret(sources, "shared", "registry.example.com", "v1");
    kept = await newNamespace("kept", label);
    excluded = await newNamespace("excluded", label);
    optedOut = await newNamespace("optout", label, { "cheiron.anny.co/ignore": "true" });
    await k(["label", "ns", "kube-system", `cheiron-test/fanout=${id}`, "--overwrite"]);
    await apply(
      manager("ClusterImagePullSecretManager", cm, {
        namespaceSelector: { matchLabels: label },
        excludeNamespaces: [excluded],
        secrets: [inline(secret), { existingSecretRef: { name: "shared", namespace: sources } }],
      }),
    );
  });

  afterAll(async () => {
    await k(["delete", "cipsm", cm, "--ignore-not-found", "--wait=true", "--timeout=60s"]);
    await k(["label", "ns", "kube-system", "cheiron-test/fanout-"]);
  });

  it("fills every selected namespace, and leaves excluded, opted-out and system namespaces alone", async () => {
    await eventually(async () => {
      const sa = await kJson(["get", "sa", "default", "-n", kept]);
      expect(names(sa.imagePullSecrets)).toEqual([secret, "shared"]);
    });
    const copy = await kJson(["get", "secret", "shared", "-n", kept]);
    expect(copy.metadata.labels["cheiron.anny.co/manager"]).toBe(`cipsm.${cm}`);
    for (const ns of [excluded, optedOut, "kube-system", sources]) {
      expect(await getOrUndefined(["get", "secret", secret, "-n", ns])).toBeUndefined();
    }
    const ks = await kJson(["get", "sa", "default", "-n", "kube-system"]);
    expect(names(ks.imagePullSecrets)).not.toContain(secret);
    const cipsm = await kJson(["get", "cipsm", cm]);
    expect(cipsm.status.namespaces).toBe(1);
  });

  it("a new namespace gets its Secrets and its default ServiceAccount attached", async () => {
    const ns = `late-${uid()}`;
    await apply(
      JSON.stringify({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: ns, labels: label },
      }),
    );
    await eventually(() => kJson(["get", "secret", secret, "-n", ns]));
    await eventually(() => kJson(["get", "secret", "shared", "-n", ns]));
    await eventually(async () => {
      expect(await pullsOf(ns, "default")).toEqual([secret, "shared"]);
    });
    // The default ServiceAccount was born with its references: the module never had to patch it.
    expect(
      moduleWrites(
        e => e.objectRef?.namespace === ns && e.objectRef?.resource === "serviceaccounts",
      ),
    ).toEqual([]);
  });

  it("relabelling a namespace fans in: our Secrets and references leave it", async () => {
    const ns = await newNamespace("relabel", label);
    await eventually(() => kJson(["get", "secret", secret, "-n", ns]));
    await k(["label", "ns", ns, "cheiron-test/fanout-"]);
    await eventually(async () => {
      expect(await getOrUndefined(["get", "secret", secret, "-n", ns])).toBeUndefined();
      expect(await pullsOf(ns, "default")).toEqual([]);
    });
  });

  it("rotating the source Secret reaches every copy", async () => {
    await createPullSecret(sources, "shared", "registry.example.com", "v2").catch(async () => {
      const fresh = await kJson([
        "create",
        "secret",
        "docker-registry",
        "shared",
        "-n",
        sources,
        "--docker-server=registry.example.com",
        "--docker-username=u",
        "--docker-password=v2",
        "--dry-run=client",
      ]);
      await k(["apply", "-f", "-"], { input: JSON.stringify(fresh) });
    });
    await eventually(async () => {
      const copy = await kJson(["get", "secret", "shared", "-n", kept]);
      expect(decodeDockerConfig(copy).auths["registry.example.com"].password).toBe("v2");
    });
  });

  it("a namespaced manager on the same namespace coexists without flapping", async () => {
    await apply(
      manager("ImagePullSecretManager", "local", { secrets: [inline("local-cred")] }),
      kept,
    );
    await eventually(async () => {
      expect(await pullsOf(kept, "default")).toEqual([secret, "shared", "local-cred"]);
    });
    // Flapping would be each reconcile of the namespace rewriting what the other manager wrote. Once the module
    // has settled there, it is made to reconcile the namespace again (it must recreate a Secret it owns): that
    // reconcile's writes are that one create, and nothing else.
    await moduleQuietIn(kept);
    const since = await proveReconciled(kept, "local-cred");
    await moduleQuietIn(kept);
    const writes = moduleWrites(
      e =>
        e.stageTimestamp > since &&
        e.objectRef?.namespace === kept &&
        e.objectRef?.resource !== "events",
    ).map(e => `${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name}`);
    expect(writes).toEqual(["create secrets/local-cred"]);
    expect(await pullsOf(kept, "default")).toEqual([secret, "shared", "local-cred"]);
  });
});
