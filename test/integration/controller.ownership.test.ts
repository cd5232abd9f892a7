// Ownership rules at the edges: a Secret whose owner opts in is adopted (labels added, data replaced), one of
// another type cannot change type and is reported, and a source Secret of the wrong type is a reported problem.
import {
  apply,
  decodeDockerConfig,
  describeCluster,
  eventually,
  getOrUndefined,
  inline,
  k,
  kJson,
  manager,
  pullsOf,
  newNamespace,
  status,
} from "./helpers";

const reasons = (st: any) => (st.problems ?? []).map((p: any) => `${p.secret}:${p.reason}`).sort();

describeCluster("controller: ownership", () => {
  it("adopts an opted-in Secret of the same type, reports one of another type, and reports a wrong-type source", async () => {
    const ns = await newNamespace("adopt");
    await k([
      "create",
      "secret",
      "docker-registry",
      "adoptable",
      "-n",
      ns,
      "--docker-server=old.example.com",
      "--docker-username=u",
      "--docker-password=old",
    ]);
    await k(["annotate", "secret", "adoptable", "-n", ns, "cheiron.anny.co/reconcilable=true"]);
    await k(["create", "secret", "generic", "wrongtype", "-n", ns, "--from-literal=a=b"]);
    await k(["annotate", "secret", "wrongtype", "-n", ns, "cheiron.anny.co/reconcilable=true"]);
    await k(["create", "secret", "generic", "opaque-source", "-n", ns, "--from-literal=a=b"]);
    await apply(
      manager("ImagePullSecretManager", "m", {
        secrets: [
          inline("adoptable", "ghcr.io", "new"),
          inline("wrongtype"),
          { existingSecretRef: { name: "opaque-source" } },
        ],
      }),
      ns,
    );
    await eventually(async () => {
      const adopted = await kJson(["get", "secret", "adoptable", "-n", ns]);
      expect(adopted.metadata.labels["cheiron.anny.co/manager"]).toBe(`ipsm.${ns}.m`);
      expect(Object.keys(decodeDockerConfig(adopted).auths)).toEqual(["ghcr.io"]);
      expect(reasons(await status("ipsm", "m", ns))).toEqual([
        "opaque-source:SourceSecretInvalid",
        "wrongtype:SecretConflict",
      ]);
      expect(await pullsOf(ns, "default")).toEqual(["adoptable"]);
    });
    const wrong = await kJson(["get", "secret", "wrongtype", "-n", ns]);
    expect(wrong.type).toBe("Opaque");
    expect(wrong.metadata.labels?.["cheiron.anny.co/manager"]).toBeUndefined();
    const adopted = await kJson(["get", "secret", "adoptable", "-n", ns]);
    expect(adopted.metadata.annotations["cheiron.anny.co/adopted"]).toBe("true");
    // Deleting the manager releases what it adopted (the user's Secret stays, with Cheiron's data) and
    // touches neither of the others.
    await k(["delete", "ipsm", "m", "-n", ns, "--wait=true", "--timeout=30s"]);
    const left = (await kJson(["get", "secrets", "-n", ns])).items.map((s: any) => s.metadata.name);
    expect(left.sort()).toEqual(["adoptable", "opaque-source", "wrongtype"]);
    const released = await kJson(["get", "secret", "adoptable", "-n", ns]);
    expect(released.metadata.labels?.["cheiron.anny.co/manager"]).toBeUndefined();
    expect(released.metadata.annotations?.["cheiron.anny.co/adopted"]).toBeUndefined();
    expect(released.metadata.annotations?.["cheiron.anny.co/reconcilable"]).toBe("true");
  });
});

describeCluster("controller: ownership needs proof, not labels", () => {
  // Issue 11 #7: before the owner proof, these labels alone made the tenant's Secrets "owned": the wanted
  // one was overwritten with the manager's credentials and the unwanted one deleted.
  it("leaves Secrets with forged Cheiron labels alone and reports them; its own carry a proof", async () => {
    const ns = await newNamespace("forge");
    const id = `ipsm.${ns}.m`;
    const forge = async (name: string) => {
      await k(["create", "secret", "generic", name, "-n", ns, "--from-literal=tenant=data"]);
      await k([
        "label",
        "secret",
        name,
        "-n",
        ns,
        "app.kubernetes.io/managed-by=cheiron",
        `cheiron.anny.co/manager=${id}`,
      ]);
    };
    await forge("wanted");
    await forge("unwanted");
    await apply(
      manager("ImagePullSecretManager", "m", { secrets: [inline("wanted"), inline("mine")] }),
      ns,
    );
    await eventually(async () => {
      expect(reasons(await status("ipsm", "m", ns))).toEqual([
        "unwanted:SecretConflict",
        "wanted:SecretConflict",
      ]);
      expect(await pullsOf(ns, "default")).toEqual(["mine"]);
    });
    const mine = await kJson(["get", "secret", "mine", "-n", ns]);
    expect(mine.metadata.annotations["cheiron.anny.co/owner-proof"]).toMatch(/^[0-9a-f]{40}$/);
    // copying our proof onto the forged Secret does not help: it is bound to namespace and name
    await k([
      "annotate",
      "secret",
      "unwanted",
      "-n",
      ns,
      `cheiron.anny.co/owner-proof=${mine.metadata.annotations["cheiron.anny.co/owner-proof"]}`,
    ]);
    await k(["delete", "ipsm", "m", "-n", ns, "--wait=true", "--timeout=30s"]);
    for (const name of ["wanted", "unwanted"]) {
      const s = await kJson(["get", "secret", name, "-n", ns]);
      expect(Object.keys(s.data)).toEqual(["tenant"]);
    }
    expect(await getOrUndefined(["get", "secret", "mine", "-n", ns])).toBeUndefined();
  });
});
