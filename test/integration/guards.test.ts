// Cheiron's writes carry the resourceVersion they were computed from: against the real apiserver, a write
// from a stale read is refused with 409 and the other writer's change survives (no lost update).
import { patchServiceAccountReferences } from "../../src/k8s/references";
import { deleteSecret, updateSecret } from "../../src/k8s/secrets";
import { statusOf } from "../../src/k8s/errors";
import { slimSecret, slimServiceAccount } from "../../src/k8s/slim";
import {
  apply,
  describeCluster,
  k,
  kJson,
  kubeconfig,
  names,
  pullsOf,
  eventually,
  getOrUndefined,
  newNamespace,
  serviceAccount,
} from "./helpers";

describeCluster("writes are guarded against lost updates", () => {
  const saved = process.env.KUBECONFIG;
  beforeAll(() => {
    process.env.KUBECONFIG = kubeconfig(); // kubernetes-fluent-client reads it on every request
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  });

  it("a ServiceAccount patch computed from a stale read is refused with 409", async () => {
    const ns = await newNamespace("guard");
    await apply(serviceAccount("app", ["mine"]), ns);
    const stale = await kJson(["get", "sa", "app", "-n", ns]);
    await k(["annotate", "sa", "app", "-n", ns, "someone=else"]);
    const merge = {
      imagePullSecrets: [{ name: "mine" }, { name: "ours" }],
      annotations: { "cheiron.anny.co/reconcile-with": "ours" },
      changed: true,
    };
    const error = await patchServiceAccountReferences(slimServiceAccount(stale)!, merge).catch(
      e => e,
    );
    expect(statusOf(error)).toBe(409);
    const now = await kJson(["get", "sa", "app", "-n", ns]);
    expect(now.metadata.annotations.someone).toBe("else");
    expect(names(now.imagePullSecrets)).toEqual(["mine"]);
    // Computed from a fresh read, the same write goes through, and keeps the other writer's annotation
    // (annotations are patched key by key). Read the stored object from the response: afterwards the
    // controller, level-triggered, removes "ours" again, since it is recorded as Cheiron's and no manager wants it.
    const stored = (await patchServiceAccountReferences(
      slimServiceAccount(now)!,
      merge,
    )) as typeof now;
    expect(names(stored.imagePullSecrets)).toEqual(["mine", "ours"]);
    expect(stored.metadata.annotations).toMatchObject({
      someone: "else",
      "cheiron.anny.co/reconcile-with": "ours",
    });
    await eventually(async () => expect(await pullsOf(ns, "app")).toEqual(["mine"]));
  });

  it("a Secret update computed from a stale read is refused with 409", async () => {
    const ns = await newNamespace("guard");
    await k(["create", "secret", "generic", "s", "-n", ns, "--from-literal=a=b"]);
    const stale = await kJson(["get", "secret", "s", "-n", ns]);
    await k(["label", "secret", "s", "-n", ns, "someone=else"]);
    const desired = {
      namespace: ns,
      name: "s",
      type: "Opaque",
      data: { a: "Yw==" },
      hash: "h",
      managerId: "m",
      owner: "o",
      registries: [],
    };
    const existing = {
      namespace: ns,
      name: "s",
      type: "Opaque",
      labels: stale.metadata.labels,
      resourceVersion: stale.metadata.resourceVersion,
      data: stale.data,
    };
    const error = await updateSecret(desired, existing).catch(e => e);
    expect(statusOf(error)).toBe(409);
    const now = await kJson(["get", "secret", "s", "-n", ns]);
    expect(now.data.a).toBe(Buffer.from("b").toString("base64"));
    expect(now.metadata.labels.someone).toBe("else");
  });
});

describeCluster("deletes carry preconditions", () => {
  const saved = process.env.KUBECONFIG;
  beforeAll(() => {
    process.env.KUBECONFIG = kubeconfig();
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  });

  // Issue 11 #5: before 302f31f, deleteSecret deleted by name alone, so this re-created Secret was lost.
  it("a Secret re-created between the read and the delete survives: the delete is refused with 409", async () => {
    const ns = await newNamespace("guard");
    await k(["create", "secret", "generic", "s", "-n", ns, "--from-literal=a=b"]);
    const read = slimSecret(await kJson(["get", "secret", "s", "-n", ns]))!;
    await k(["delete", "secret", "s", "-n", ns]);
    await k(["create", "secret", "generic", "s", "-n", ns, "--from-literal=user=owns-this"]);
    const error = await deleteSecret(read).catch(e => e);
    expect(statusOf(error)).toBe(409);
    const now = await kJson(["get", "secret", "s", "-n", ns]);
    expect(Object.keys(now.data)).toEqual(["user"]);
    // the same Secret, read afresh, is deleted
    await deleteSecret(slimSecret(now)!);
    expect(await getOrUndefined(["get", "secret", "s", "-n", ns])).toBeUndefined();
  });
});
