// Admission through the real apiserver: what `kubectl create` gets back is what the module's webhook made
// of the object: references present at once, the user's entries kept, opted-out objects stored exactly as
// sent (not even Pepr's stamp), and a server-side dry-run that returns the mutation and writes nothing.
import {
  apply,
  describeCluster,
  eventually,
  getOrUndefined,
  inline,
  k,
  kJson,
  manager,
  moduleWrites,
  names,
  newNamespace,
  uid,
} from "./helpers";
import {
  allSecretsExist,
  createPod,
  createServiceAccount,
  ours,
  podJson,
  STAMP,
} from "./admission-helpers";
import { proveReconciled } from "./proofs";

describeCluster("admission: ServiceAccounts and Pods through the apiserver", () => {
  it("kubectl create sa returns the references, to Secrets that exist; dry-run changes nothing", async () => {
    const ns = await newNamespace("adm-sa");
    await apply(
      manager("ImagePullSecretManager", "pull", { secrets: [inline("adm-regcred")] }),
      ns,
    );
    await eventually(() => kJson(["get", "secret", "adm-regcred", "-n", ns]));

    const { obj: sa, webhook } = await createServiceAccount(ns, "builder");
    expect(webhook).toBe("mutated");
    expect(names(sa.imagePullSecrets)).toEqual(["adm-regcred"]);
    expect(sa.metadata.annotations).toEqual(ours("adm-regcred", `ipsm.${ns}.pull`));
    expect(await allSecretsExist(ns, ["adm-regcred"])).toBe(true);

    const dry = await createServiceAccount(ns, "dry", ["--dry-run=server"]);
    expect(dry.webhook).toBe("mutated");
    expect(names(dry.obj.imagePullSecrets)).toEqual(["adm-regcred"]);
    expect(dry.obj.metadata.annotations).toEqual(ours("adm-regcred", `ipsm.${ns}.pull`));
    expect(await getOrUndefined(["get", "sa", dry.name, "-n", ns])).toBeUndefined();
    // The module reconciled this namespace after the dry run (it had to recreate its Secret), and wrote nothing
    // for the dry-run object: neither at admission nor in that later reconcile.
    await proveReconciled(ns, "adm-regcred");
    const writes = moduleWrites(
      e => e.objectRef?.namespace === ns && e.objectRef?.name === dry.name,
    );
    expect(writes).toEqual([]);
    expect(await getOrUndefined(["get", "sa", dry.name, "-n", ns])).toBeUndefined();
  });

  it("Pod mode: a Pod keeps its own references and gains ours; ServiceAccounts are left alone", async () => {
    const ns = await newNamespace("adm-pod");
    const spec = { mode: "Pod", secrets: [inline("pod-regcred", "ghcr.io")] };
    await apply(manager("ImagePullSecretManager", "pods", spec), ns);
    await eventually(() => kJson(["get", "secret", "pod-regcred", "-n", ns]));

    const sent = podJson(ns, "web", "ghcr.io/org/app:1", { pull: ["mine", "also-mine"] });
    const { obj: pod, webhook } = await createPod(sent);
    expect(webhook).toBe("mutated");
    expect(names(pod.spec.imagePullSecrets)).toEqual(["mine", "also-mine", "pod-regcred"]);
    expect(pod.metadata.annotations).toEqual(ours("pod-regcred", `ipsm.${ns}.pods`));

    const sa = await createServiceAccount(ns, "builder");
    expect(sa.webhook).toBe("unchanged");
    expect(sa.obj.imagePullSecrets).toBeUndefined();
    expect(sa.obj.metadata.annotations).toBeUndefined();
  });

  it.each([
    ["the Pod", { "cheiron.anny.co/ignore": "true", team: "web" }, false],
    ["the Pod (reconcilable false)", { "cheiron.anny.co/reconcilable": "false" }, false],
    ["the Namespace", { team: "web" }, true],
  ])("opted out on %s: the Pod is stored exactly as sent", async (_, annotations, onNamespace) => {
    const ns = await newNamespace("adm-opt");
    const spec = { mode: "Pod", secrets: [inline("pod-regcred", "docker.io")] };
    await apply(manager("ImagePullSecretManager", "pods", spec), ns);
    await eventually(() => kJson(["get", "secret", "pod-regcred", "-n", ns]));
    const control = await createPod(podJson(ns, "control", "nginx", { pull: ["mine"] }));
    expect(names(control.obj.spec.imagePullSecrets)).toEqual(["mine", "pod-regcred"]);
    if (onNamespace) await k(["annotate", "namespace", ns, "cheiron.anny.co/ignore=true"]);

    const sent = podJson(ns, "opted-out", "nginx", { annotations, pull: ["mine"] });
    const { obj: stored } = await eventually(async () => {
      const created = await createPod({
        ...sent,
        metadata: { ...sent.metadata, name: `o-${uid()}` },
      });
      expect(created.webhook).toBe("unchanged");
      return created;
    }, 5000);
    expect(stored.metadata.annotations).toEqual(sent.metadata.annotations);
    expect(stored.metadata.annotations[STAMP]).toBeUndefined();
    expect(stored.spec.imagePullSecrets).toEqual(sent.spec.imagePullSecrets);
  });
});
