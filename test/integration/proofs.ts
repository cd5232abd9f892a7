// Positive proofs that the module was alive and had seen a change, for tests whose point is that something
// does NOT happen: a wait alone passes as well when the module hangs, so each such test first shows the module
// at work (its /metrics, or a write it had to make), then asserts the absence.
import { httpsGet } from "../harness/proc";
import { eventually, k, moduleWrites } from "./helpers";

/** A sample's value in a Prometheus text body (the first series of that name); throws when it is not served. */
export function metricValue(body: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(body);
  if (!m) throw new Error(`${name} is not served on /metrics`);
  return Number(m[1]);
}

/** The module's reconcile counters, from its /metrics (the suite's module on 3000, or an own watcher's port). */
export async function reconcileCounts(port = 3000) {
  const r = await httpsGet(`https://localhost:${port}/metrics`, { insecure: true });
  if (r.status !== 200) throw new Error(`/metrics answered ${r.status}`);
  return {
    reconciles: metricValue(r.body, "pepr_cheiron_reconciles_total"),
    errors: metricValue(r.body, "pepr_cheiron_reconcile_errors_total"),
  };
}

/**
 * Proves that the module reconciled namespace `ns` after this call started, by making it write there: Cheiron's
 * own Secret `secret` is deleted, and the module must create it again. Resolves once the module's create is in
 * the audit log, with the ISO time the proof started (what the module writes from then on includes that create).
 */
export async function proveReconciled(ns: string, secret: string, timeoutMs = 30_000) {
  const since = new Date().toISOString();
  await k(["delete", "secret", secret, "-n", ns, "--wait=true"]);
  await eventually(
    async () => {
      const created = moduleWrites(
        e =>
          e.verb === "create" &&
          e.stageTimestamp > since &&
          e.objectRef?.resource === "secrets" &&
          e.objectRef?.namespace === ns &&
          e.objectRef?.name === secret &&
          e.responseStatus?.code === 201,
      );
      expect(created.length).toBeGreaterThan(0);
    },
    timeoutMs,
    250,
  );
  return since;
}
