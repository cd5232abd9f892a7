// The controller on one namespace: the seed example on pre-existing ServiceAccounts, rotation, restoring a
// deleted Secret, a foreign same-name Secret, and user entries kept through everything.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  apply,
  createPullSecret,
  decodeDockerConfig,
  describeCluster,
  eventually,
  inline,
  k,
  kJson,
  manager,
  managerEvents,
  names,
  pullsOf,
  newNamespace,
  serviceAccount,
  status,
  waitGone,
} from "./helpers";

const seed = readFileSync(join(__dirname, "../../samples/seed-example.yaml"), "utf8");

describeCluster("controller: one namespace", () => {
  it("seed example: Secrets created and attached to ServiceAccounts that existed before, user entries first", async () => {
    const ns = await newNamespace("seed");
    await eventually(() => kJson(["get", "sa", "default", "-n", ns]));
    await createPullSecret(ns, "gitlab-registry", "registry.gitlab.com");
    await apply(serviceAccount("app", ["user-own"]), ns);
    await k(["apply", "-n", ns, "-f", "-"], { input: seed });

    const hub = await eventually(() => kJson(["get", "secret", "docker-hub", "-n", ns]));
    expect(hub.type).toBe("kubernetes.io/dockerconfigjson");
    const auth = decodeDockerConfig(hub).auths["https://index.docker.io/v1/"];
    expect(auth.username).toBe("<my-docker-username>");
    expect(Buffer.from(auth.auth, "base64").toString()).toBe(
      "<my-docker-username>:<my-docker-password>",
    );
    expect(hub.metadata.labels["cheiron.anny.co/manager"]).toBe(`ipsm.${ns}.my-registry`);
    expect(hub.metadata.labels["cheiron.anny.co/content-hash"]).toMatch(/^[0-9a-f]{32}$/);

    const wanted = ["docker-hub", "github-container-registry", "gitlab-registry"];
    await eventually(async () => {
      const app = await kJson(["get", "sa", "app", "-n", ns]);
      expect(names(app.imagePullSecrets)).toEqual(["user-own", ...wanted]);
      expect(app.metadata.annotations["cheiron.anny.co/reconcile-with"]).toBe(wanted.join(","));
      expect(app.metadata.annotations["cheiron.anny.co/reconciled"]).toBe("true");
      const def = await kJson(["get", "sa", "default", "-n", ns]);
      expect(names(def.imagePullSecrets)).toEqual(wanted);
    });
    const gitlab = await kJson(["get", "secret", "gitlab-registry", "-n", ns]);
    expect(gitlab.metadata.labels?.["app.kubernetes.io/managed-by"]).toBeUndefined();

    await eventually(async () => {
      const st = await status("ipsm", "my-registry", ns);
      expect(st.observedGeneration).toBe(1);
      expect(st.secrets).toBe(3);
      expect(st.serviceAccounts).toBe(2);
      expect(st.problems.map((p: any) => p.reason)).toContain("PlaceholderReference");
      expect(st.conditions.find((c: any) => c.type === "Degraded").status).toBe("True");
    });
    const events = await managerEvents(ns, "my-registry");
    expect(events.map((e: any) => e.reason)).toContain("Reconciled");
    expect(JSON.stringify(events)).not.toContain("<my-docker-password>");
  });

  it("rotation from the CR reaches the Secret; a deleted managed Secret is restored; user entries survive both", async () => {
    const ns = await newNamespace("rotate");
    await apply(serviceAccount("app", ["a", "b"]), ns);
    const spec = (password: string) => ({ secrets: [inline("regcred", "ghcr.io", password)] });
    const passwordOf = async () =>
      decodeDockerConfig(await kJson(["get", "secret", "regcred", "-n", ns])).auths["ghcr.io"]
        .password;
    await apply(manager("ImagePullSecretManager", "rot", spec("first")), ns);
    await eventually(async () => {
      expect(await passwordOf()).toBe("first");
      expect(await pullsOf(ns, "app")).toEqual(["a", "b", "regcred"]);
    });

    await apply(manager("ImagePullSecretManager", "rot", spec("second")), ns);
    await eventually(async () => {
      expect(await passwordOf()).toBe("second");
    });
    expect(await pullsOf(ns, "app")).toEqual(["a", "b", "regcred"]);

    await k(["delete", "secret", "regcred", "-n", ns]);
    await eventually(async () => {
      expect(await passwordOf()).toBe("second");
    });

    // Someone edits the managed Secret: it is put back.
    await k([
      "patch",
      "secret",
      "regcred",
      "-n",
      ns,
      "--type=merge",
      "-p",
      JSON.stringify({ data: { ".dockerconfigjson": Buffer.from("{}").toString("base64") } }),
    ]);
    await eventually(async () => {
      expect(await passwordOf()).toBe("second");
    });

    // Someone removes our reference from the ServiceAccount: it comes back, theirs stay.
    await k([
      "patch",
      "sa",
      "app",
      "-n",
      ns,
      "--type=json",
      "-p",
      JSON.stringify([
        { op: "replace", path: "/imagePullSecrets", value: [{ name: "a" }, { name: "b" }] },
      ]),
    ]);
    await eventually(async () => {
      expect(await pullsOf(ns, "app")).toEqual(["a", "b", "regcred"]);
    });

    await k(["delete", "ipsm", "rot", "-n", ns, "--wait=true", "--timeout=30s"]);
    expect(await pullsOf(ns, "app")).toEqual(["a", "b"]);
    await waitGone(["secret", "regcred", "-n", ns]);
    expect((await k(["get", "secret", "regcred", "-n", ns], { allowFail: true })).code).not.toBe(0);
  });

  it("a foreign Secret of the same name is never modified, not attached, and reported", async () => {
    const ns = await newNamespace("foreign");
    await k(["create", "secret", "generic", "regcred", "-n", ns, "--from-literal=token=mine"]);
    const before = await kJson(["get", "secret", "regcred", "-n", ns]);
    await apply(
      manager("ImagePullSecretManager", "clash", { secrets: [inline("regcred"), inline("other")] }),
      ns,
    );
    await eventually(async () => {
      const st = await status("ipsm", "clash", ns);
      expect(st.problems).toEqual([
        expect.objectContaining({ namespace: ns, secret: "regcred", reason: "SecretConflict" }),
      ]);
      expect(await pullsOf(ns, "default")).toEqual(["other"]);
    });
    const after = await kJson(["get", "secret", "regcred", "-n", ns]);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    const events = await managerEvents(ns, "clash");
    expect(events.some((e: any) => e.type === "Warning")).toBe(true);
  });
});
