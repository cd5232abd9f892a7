// After a namespace's Secret writes: an Event for the Secrets whose ownership proof was rewritten (plan.ts
// `reprove`), counting only those the cache now holds with the current proof (a failed write is not reported).
import type { Manager, SecretPlan } from "../domain/model";
import { buildReprovenEvent } from "../domain/ownership";
import { emitEvent } from "../k8s/report";
import type { WatcherCache } from "./cache";

export async function reportReproven(
  cache: WatcherCache,
  m: Manager,
  plan: SecretPlan,
): Promise<void> {
  if (m.spec.dryRun || !plan.update.some(u => u.reprove)) return;
  const proven = cache.ownership(m);
  const done = plan.update.flatMap(({ desired: d, reprove }) => {
    const now = reprove && cache.secrets.get(d.namespace, d.name);
    return now && proven(now) === "proven" ? [{ ...d, reprove }] : [];
  });
  const event = buildReprovenEvent(done);
  if (event) await emitEvent(m, event.type, event.reason, event.message);
}
