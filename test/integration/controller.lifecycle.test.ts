// Lifecycle: Orphan deletion, opt-out added later, dry-run, a failed write retried with no new event, a
// resync that changes nothing writes nothing, and a target namespace deleted mid-way.
import { request } from "node:https";
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
  managerEvents,
  names,
  pullsOf,
  newNamespace,
  serviceAccount,
  status,
  uid,
} from "./helpers";

const condition = (st: any, type: string) => st.conditions?.find((c: any) => c.type === type);

function scrapeReconciles(): Promise<number> {
  return new Promise((resolve, reject) => {
    request("https://localhost:3000/metrics", { rejectUnauthorized: false }, res => {
      let body = "";
      res.on("data", c => (body += c));
      res.on("end", () =>
        resolve(Number(/^pepr_cheiron_reconciles_total (\d+)/m.exec(body)?.[1] ?? NaN)),
      );
    })
      .on("error", reject)
      .end();
  });
}

describeCluster("controller: lifecycle", () => {
  it("deletionPolicy Orphan leaves Secrets and references in place and hands them over", async () => {
    const ns = await newNamespace("orphan");
    await apply(
      manager("ImagePullSecretManager", "keep", {
        deletionPolicy: "Orphan",
        secrets: [inline("kept")],
      }),
      ns,
    );
    await eventually(async () => {
      expect(await pullsOf(ns, "default")).toEqual(["kept"]);
    });
    await k(["delete", "ipsm", "keep", "-n", ns, "--wait=true", "--timeout=30s"]);
    const secret = await kJson(["get", "secret", "kept", "-n", ns]);
    expect(secret.metadata.labels?.["cheiron.anny.co/manager"]).toBeUndefined();
    const sa = await kJson(["get", "sa", "default", "-n", ns]);
    expect(names(sa.imagePullSecrets)).toEqual(["kept"]);
    expect(sa.metadata.annotations?.["cheiron.anny.co/reconcile-with"]).toBeUndefined();
  });

  it("an opt-out added later removes the references we added there, and only there", async () => {
    const ns = await newNamespace("optlater");
    await apply(serviceAccount("app", ["mine"]), ns);
    await apply(manager("ImagePullSecretManager", "m", { secrets: [inline("ours")] }), ns);
    await eventually(async () => {
      expect(await pullsOf(ns, "app")).toEqual(["mine", "ours"]);
    });
    await k(["annotate", "sa", "app", "-n", ns, "cheiron.anny.co/ignore=true"]);
    await eventually(async () => {
      expect(await pullsOf(ns, "app")).toEqual(["mine"]);
    });
    expect(await pullsOf(ns, "default")).toEqual(["ours"]);
  });

  it("dry-run reports the plan and writes nothing", async () => {
    const ns = await newNamespace("dryrun");
    await eventually(() => kJson(["get", "sa", "default", "-n", ns]));
    await apply(
      manager("ImagePullSecretManager", "dry", { dryRun: true, secrets: [inline("planned")] }),
      ns,
    );
    await eventually(async () => {
      const st = await status("ipsm", "dry", ns);
      expect(st.plan).toEqual(
        expect.arrayContaining([
          `create Secret ${ns}/planned`,
          `attach planned to ServiceAccount ${ns}/default`,
        ]),
      );
      expect(condition(st, "Ready").reason).toBe("DryRun");
    });
    const created = JSON.parse((await k(["create", "sa", "late", "-n", ns, "-o", "json"])).stdout);
    expect(created.imagePullSecrets).toBeUndefined();
    expect(await getOrUndefined(["get", "secret", "planned", "-n", ns])).toBeUndefined();
    const writes = moduleWrites(
      e =>
        e.objectRef?.namespace === ns &&
        ["secrets", "serviceaccounts"].includes(e.objectRef?.resource ?? ""),
    );
    expect(writes).toEqual([]);
    const events = await managerEvents(ns, "dry");
    expect(events.map((e: any) => e.reason)).toContain("DryRun");
  });

  it("a write that is refused for a while succeeds later through the retry, with no new event", async () => {
    const ns = await newNamespace("retry");
    const blocked = `blocked-${uid()}`;
    const policy = `deny-${blocked}`;
    await apply(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: ${policy}}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["secrets"]}]
  validations: [{expression: "object.metadata.name != '${blocked}'", message: "refused for the test"}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: ${policy}}
spec:
  policyName: ${policy}
  validationActions: [Deny]
  matchResources: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${ns}}}}
`);
    await eventually(async () => {
      const r = await k(["create", "secret", "generic", blocked, "-n", ns, "--dry-run=server"], {
        allowFail: true,
      });
      expect(r.stderr).toContain("refused for the test");
    });
    await apply(manager("ImagePullSecretManager", "m", { secrets: [inline(blocked)] }), ns);
    await eventually(async () => {
      const st = await status("ipsm", "m", ns);
      expect(st.problems).toEqual([
        expect.objectContaining({ reason: "WriteFailed", secret: blocked }),
      ]);
      expect(condition(st, "Ready").status).toBe("False");
    });
    await eventually(async () => {
      const events = await managerEvents(ns, "m");
      expect(
        events.some((e: any) => e.type === "Warning" && e.message.includes("refused for the test")),
      ).toBe(true);
    });

    // Issue 11 #2: while the Secret cannot be created here, nothing references it here, and there is no
    // attach/detach loop between admission and the controller (before: admission referenced every inline
    // name, and re-added each detach of the controller on every retry).
    await k(["create", "sa", "late", "-n", ns]);
    expect(await pullsOf(ns, "late")).toEqual([]);
    expect(await pullsOf(ns, "default")).toEqual([]);
    const saWrites = () =>
      moduleWrites(
        e => e.objectRef?.resource === "serviceaccounts" && e.objectRef?.namespace === ns,
      ).length;
    const before = saWrites();
    await new Promise(r => setTimeout(r, 5000));
    expect(saWrites() - before).toBe(0);

    await k(["delete", "validatingadmissionpolicybinding", policy]);
    await k(["delete", "validatingadmissionpolicy", policy]);
    await eventually(async () => {
      await kJson(["get", "secret", blocked, "-n", ns]);
      const st = await status("ipsm", "m", ns);
      expect(condition(st, "Ready").status).toBe("True");
      expect(await pullsOf(ns, "default")).toEqual([blocked]);
    }, 30_000);
  });

  it("a resync that finds nothing to change writes nothing", async () => {
    const ns = await newNamespace("resync");
    await apply(manager("ImagePullSecretManager", "steady", { secrets: [inline("steady")] }), ns);
    await eventually(async () => {
      expect(await pullsOf(ns, "default")).toEqual(["steady"]);
      expect(condition(await status("ipsm", "steady", ns), "Ready").status).toBe("True");
    });
    await new Promise(r => setTimeout(r, 2000));
    const since = new Date().toISOString();
    const before = await scrapeReconciles();
    await new Promise(r => setTimeout(r, 25_000)); // CHEIRON_RESYNC_SECONDS=20 in the test environment
    expect(await scrapeReconciles()).toBeGreaterThan(before);
    const writes = moduleWrites(
      e =>
        e.stageTimestamp > since &&
        (e.objectRef?.namespace === ns || e.objectRef?.name === "steady"),
    );
    expect(writes).toEqual([]);
  }, 60_000);

  it("a target namespace deleted mid-way is not an error", async () => {
    const ns = await newNamespace("gone");
    await apply(
      manager("ImagePullSecretManager", "m", { secrets: [inline("a"), inline("b")] }),
      ns,
    );
    await eventually(() => kJson(["get", "secret", "b", "-n", ns]));
    await k(["delete", "ns", ns, "--wait=true", "--timeout=60s"]);
    expect(await getOrUndefined(["get", "ns", ns])).toBeUndefined();
  });
});
