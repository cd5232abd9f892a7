// Issue 22 #1: a refused update of a Secret that exists is reported and retried, and never takes the reference
// away (before: the rotation's failed PATCH was followed by a ServiceAccount PATCH removing the name, and admission
// stopped adding it). The refusal is a ValidatingAdmissionPolicy of the real apiserver.
import {
  apply,
  decodeDockerConfig,
  describeCluster,
  eventually,
  inline,
  k,
  kJson,
  manager,
  managerEvents,
  moduleWrites,
  newNamespace,
  pullsOf,
  status,
  uid,
  applyDenyPolicy,
} from "./helpers";

const condition = (st: any, type: string) => st.conditions?.find((c: any) => c.type === type);

/** A policy that refuses every UPDATE of a Secret in namespace `ns`; returns its name. */
async function refuseSecretUpdates(ns: string): Promise<string> {
  const policy = `deny-update-${uid()}`;
  await applyDenyPolicy({
    name: policy,
    ns,
    operation: "UPDATE",
    allow: "false",
    message: "updates refused for the test",
  });
  return policy;
}

describeCluster("controller: a refused Secret update", () => {
  it("is reported and retried, and the ServiceAccount keeps the reference", async () => {
    const ns = await newNamespace("refused");
    const spec = (password: string) => ({ secrets: [inline("rotated", "ghcr.io", password)] });
    await apply(manager("ImagePullSecretManager", "m", spec("old-password")), ns);
    await eventually(async () => expect(await pullsOf(ns, "default")).toEqual(["rotated"]));
    const policy = await refuseSecretUpdates(ns);
    await eventually(async () => {
      const r = await k(["label", "secret", "rotated", "-n", ns, "probe=1", "--dry-run=server"], {
        allowFail: true,
      });
      expect(r.stderr).toContain("updates refused for the test");
    });
    const saWrites = () =>
      moduleWrites(
        e => e.objectRef?.resource === "serviceaccounts" && e.objectRef?.namespace === ns,
      ).length;
    const before = saWrites();

    await apply(manager("ImagePullSecretManager", "m", spec("new-password")), ns);
    await eventually(async () => {
      const st = await status("ipsm", "m", ns);
      expect(st.problems).toEqual([
        expect.objectContaining({ reason: "WriteFailed", secret: "rotated" }),
      ]);
      expect(condition(st, "Ready").status).toBe("False");
      expect(st.unattachable).toBeUndefined();
    });
    await eventually(async () => {
      const events = await managerEvents(ns, "m");
      expect(
        events.some(
          (e: any) => e.type === "Warning" && e.message.includes("updates refused for the test"),
        ),
      ).toBe(true);
    });
    expect(await pullsOf(ns, "default")).toEqual(["rotated"]);
    expect(saWrites() - before).toBe(0);
    // Admission still adds it to a new ServiceAccount: the Secret exists, with its old credentials.
    await k(["create", "sa", "late", "-n", ns]);
    expect(await pullsOf(ns, "late")).toEqual(["rotated"]);

    await k(["delete", "validatingadmissionpolicybinding", policy]);
    await k(["delete", "validatingadmissionpolicy", policy]);
    await eventually(async () => {
      const secret = await kJson(["get", "secret", "rotated", "-n", ns]);
      expect(JSON.stringify(decodeDockerConfig(secret))).toContain("new-password");
      expect(condition(await status("ipsm", "m", ns), "Ready").status).toBe("True");
    }, 30_000);
    expect(await pullsOf(ns, "default")).toEqual(["rotated"]);
  });
});
