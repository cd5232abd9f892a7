// Counts the API requests a module process made, from the apiserver's audit log: the harness logs every
// write, and every get/list/watch of the module's own identity (MODULE_USER), at Metadata level.
import { AuditEvent, auditEvents } from "../test/harness/audit";
import { MODULE_USER } from "../test/harness/control-plane";

/** The module's API requests received in [fromMs, toMs] (epoch ms), each once (a watch has two stages). */
export function moduleApiCalls(auditLog: string, fromMs: number, toMs: number): AuditEvent[] {
  const seen = new Map<string, AuditEvent>();
  for (const e of auditEvents({ user: MODULE_USER }, auditLog)) {
    const at = Date.parse(e.requestReceivedTimestamp);
    if (at >= fromMs && at <= toMs) seen.set(e.auditID, e);
  }
  return [...seen.values()];
}

/** "list /apis/...(2), watch /api/v1/namespaces(1)": what the calls were, for the printout. */
export function describeCalls(calls: AuditEvent[]): string {
  const counts = new Map<string, number>();
  for (const c of calls) {
    const key = `${c.verb} ${c.requestURI.split("?")[0]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} (${n})`).join(", ");
}
