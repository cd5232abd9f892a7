// Cheiron's own writes skip Cheiron's webhook (issue 26 #1): the module's ServiceAccount patches after a fan-out
// reach the apiserver's audit log with no mutating-webhook call annotated on them, while a user's update that
// drops Cheiron's entry is still mutated (the entry is back in that update's own response).
import { AuditEvent } from "../harness/audit";
import { MODULE_USER } from "../harness/control-plane";
import {
  apply,
  auditWrites,
  describeCluster,
  eventually,
  inline,
  k,
  manager,
  moduleWrites,
  names,
  newNamespace,
  pullsOf,
  serviceAccount,
} from "./helpers";

/** The mutating-webhook calls the apiserver annotated on an audit event (one per call, mutated or not). */
const webhookCalls = (e: AuditEvent) =>
  Object.keys(e.annotations ?? {}).filter(key => key.startsWith("mutation.webhook.admission"));

describeCluster("own writes: the module's patches skip its own webhook", () => {
  it("a fan-out's ServiceAccount patches call no webhook; a user's update dropping our entry is still mutated", async () => {
    const ns = await newNamespace("own-writes");
    const accounts = ["a", "b", "c"];
    for (const sa of accounts) await apply(serviceAccount(sa, ["user-own"]), ns);
    // The manager comes after the ServiceAccounts: the controller's fan-out, not admission, attaches its entry.
    await apply(
      manager("ImagePullSecretManager", "pull", { secrets: [inline("own-regcred")] }),
      ns,
    );

    const patches = await eventually(async () => {
      const p = moduleWrites(
        e =>
          e.verb === "patch" &&
          e.objectRef?.resource === "serviceaccounts" &&
          e.objectRef?.namespace === ns &&
          e.responseStatus?.code === 200,
      );
      // Positive proof: the module patched every ServiceAccount of the namespace.
      expect([...new Set(p.map(e => e.objectRef?.name))].sort()).toEqual(
        expect.arrayContaining(accounts),
      );
      return p;
    }, 30_000);
    for (const sa of accounts) expect(await pullsOf(ns, sa)).toEqual(["user-own", "own-regcred"]);
    expect(patches.map(e => ({ name: e.objectRef?.name, calls: webhookCalls(e) }))).toEqual(
      patches.map(e => ({ name: e.objectRef?.name, calls: [] })),
    );

    // A GitOps re-apply of "a" (server-side apply, forced) with only the user's own entry.
    const since = new Date().toISOString();
    const r = await k(
      [
        "apply",
        "--server-side",
        "--force-conflicts",
        "--field-manager=gitops",
        "-n",
        ns,
        "-o",
        "json",
        "-f",
        "-",
      ],
      { input: serviceAccount("a", ["user-own"]) },
    );
    expect(names(JSON.parse(r.stdout).imagePullSecrets)).toEqual(["user-own", "own-regcred"]);
    const [update] = auditWrites(
      e =>
        e.stageTimestamp > since &&
        e.user?.username !== MODULE_USER &&
        e.objectRef?.resource === "serviceaccounts" &&
        e.objectRef?.namespace === ns &&
        e.objectRef?.name === "a",
    );
    expect(webhookCalls(update)).toHaveLength(1);
    expect(JSON.parse(update.annotations![webhookCalls(update)[0]]).mutated).toBe(true);
  });
});
