// End to end, through the real apiserver: its webhook call to the module (the ServiceAccount comes back from
// `kubectl create` already carrying the reference) and the module's watch (the Secret the controller creates).
import {
  describeCluster,
  eventually,
  k,
  kJson,
  manager,
  inline,
  newNamespace,
  names,
  apply,
} from "./helpers";

describeCluster("smoke: the apiserver calls the module and the module's watch acts", () => {
  it("admits a ServiceAccount with the manager's reference and creates the Secret", async () => {
    const ns = await newNamespace("smoke");
    await apply(
      manager("ImagePullSecretManager", "smoke", { secrets: [inline("smoke-regcred")] }),
      ns,
    );
    const secret = await eventually(() => kJson(["get", "secret", "smoke-regcred", "-n", ns]));
    expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
    expect(secret.metadata.labels["app.kubernetes.io/managed-by"]).toBe("cheiron");

    const created = JSON.parse(
      (await k(["create", "sa", "builder", "-n", ns, "-o", "json"])).stdout,
    );
    expect(names(created.imagePullSecrets)).toEqual(["smoke-regcred"]);
    expect(created.metadata.annotations["cheiron.anny.co/reconcile-with"]).toBe("smoke-regcred");
  });
});
