// Issue 22 #4: a manager switched to dry-run keeps what it wrote (before: its reference was removed from the
// default ServiceAccount within seconds), and deleting it cleans up for real (before: its finalizer waited forever,
// since a dry-run cleanup deletes nothing).
import {
  apply,
  describeCluster,
  eventually,
  getOrUndefined,
  inline,
  k,
  manager,
  moduleWrites,
  newNamespace,
  pullsOf,
  status,
} from "./helpers";

const condition = (st: any, type: string) => st.conditions?.find((c: any) => c.type === type);

describeCluster("controller: a manager switched to dry-run", () => {
  it("keeps its references and Secrets, and its deletion cleans them up", async () => {
    const ns = await newNamespace("dryswitch");
    const spec = (dryRun: boolean, password: string) => ({
      dryRun,
      secrets: [inline("frozen", "ghcr.io", password)],
    });
    await apply(manager("ImagePullSecretManager", "m", spec(false, "first")), ns);
    await eventually(async () => {
      expect(await pullsOf(ns, "default")).toEqual(["frozen"]);
      expect(condition(await status("ipsm", "m", ns), "Ready").reason).toBe("Reconciled");
    });
    const writes = () =>
      moduleWrites(
        e =>
          e.objectRef?.namespace === ns &&
          ["secrets", "serviceaccounts"].includes(e.objectRef?.resource ?? ""),
      ).length;
    const before = writes();

    await apply(manager("ImagePullSecretManager", "m", spec(true, "second")), ns);
    // The module processed the patch: the plan lists the update it would make (computed in the same run as the
    // references, so a detach would already show).
    await eventually(async () => {
      const st = await status("ipsm", "m", ns);
      expect(condition(st, "Ready").reason).toBe("DryRun");
      expect(st.plan).toContain(`update Secret ${ns}/frozen`);
    });
    expect(await pullsOf(ns, "default")).toEqual(["frozen"]);
    expect(writes() - before).toBe(0);
    expect((await status("ipsm", "m", ns)).plan).toEqual([`update Secret ${ns}/frozen`]);

    await k(["delete", "ipsm", "m", "-n", ns, "--wait=true", "--timeout=60s"]);
    expect(await getOrUndefined(["get", "ipsm", "m", "-n", ns])).toBeUndefined();
    expect(await getOrUndefined(["get", "secret", "frozen", "-n", ns])).toBeUndefined();
    expect(await pullsOf(ns, "default")).toEqual([]);
  });
});
