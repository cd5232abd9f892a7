// Issue 11 #12: the periodic resync, on its own. The main suite runs its module with the resync off (3600 s), so
// every watch-triggered repair there is proven to come from the watch. Here the built watcher runs with an 8 s
// resync against a control plane of its own: a resync with nothing to do writes nothing, and drift that no
// watch handler reacts to (a manager's status edited by hand: status-only changes queue no work) is repaired by
// the resync alone. controller.lifecycle.test.ts shows the same edit staying unrepaired with the resync off.
import { auditEvents, WRITE_VERBS } from "../harness/audit";
import { MODULE_USER } from "../harness/control-plane";
import { kubectl } from "../harness/kubectl";
import { OwnWatcher, startOwnWatcher } from "../harness/own-watcher";
import { describeCluster, eventually } from "./helpers";
import { reconcileCounts } from "./proofs";

describeCluster("resync: repairs what no watch triggers, and writes nothing otherwise", () => {
  let w: OwnWatcher;
  const k = (args: string[], input?: string) => kubectl(w.cp.kubeconfig, args, { input });
  const kJson = async (args: string[]) => JSON.parse((await k([...args, "-o", "json"])).stdout);
  const writesSince = (since: string) =>
    auditEvents({ user: MODULE_USER, verbs: WRITE_VERBS, since }, w.cp.auditLog).filter(
      e => e.objectRef?.resource !== "events",
    );

  beforeAll(async () => {
    w = await startOwnWatcher({ env: { CHEIRON_RESYNC_SECONDS: "8" } });
    await k(["create", "ns", "team"]);
    await k(
      ["apply", "-n", "team", "-f", "-"],
      JSON.stringify({
        apiVersion: "cheiron.anny.co/v1alpha1",
        kind: "ImagePullSecretManager",
        metadata: { name: "steady" },
        spec: {
          secrets: [{ name: "steady", registry: "ghcr.io", username: "u", password: "p-resync" }],
        },
      }),
    );
    await eventually(async () => {
      const sa = await kJson(["get", "sa", "default", "-n", "team"]);
      expect((sa.imagePullSecrets ?? []).map((r: { name: string }) => r.name)).toEqual(["steady"]);
      const m = await kJson(["get", "ipsm", "steady", "-n", "team"]);
      expect(m.status?.secrets).toBe(1);
    }, 60_000);
  }, 240_000);

  afterAll(async () => w?.stop());

  it("a resync with nothing to change writes nothing (at least two resyncs, counted on /metrics)", async () => {
    // Pepr creates its second store (the schedule store) up to 3 s after the first is ready: a start-up write of
    // Pepr's, which on a loaded machine can come late. The window starts once both exist.
    await eventually(async () => {
      const stores = await kJson(["get", "peprstores.pepr.dev", "-n", "pepr-system"]);
      expect(
        stores.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(),
      ).toEqual(["pepr-cheiron-schedule", "pepr-cheiron-store"]);
    }, 30_000);
    // Nothing else changes in this cluster: each reconcile counted from here is a resync's (one namespace,
    // "team", per resync). Two resyncs ran before the writes are read; a third one proves the second one's
    // flush (its status write, had it one) is done.
    const since = new Date().toISOString();
    const before = (await reconcileCounts(w.port)).reconciles;
    await eventually(
      async () =>
        expect((await reconcileCounts(w.port)).reconciles - before).toBeGreaterThanOrEqual(3),
      60_000,
      500,
    );
    expect(writesSince(since)).toEqual([]);
  }, 120_000);

  it("a status edited by hand is restored by the resync", async () => {
    await k([
      "patch",
      "ipsm",
      "steady",
      "-n",
      "team",
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"secrets":99}}',
    ]);
    expect((await kJson(["get", "ipsm", "steady", "-n", "team"])).status.secrets).toBe(99);
    await eventually(
      async () =>
        expect((await kJson(["get", "ipsm", "steady", "-n", "team"])).status.secrets).toBe(1),
      20_000,
      500,
    );
  }, 30_000);
});
