// bench:recovery's reads of the node cluster: the Pods of a namespace as the kubelet reports them, and the
// Warning Events of the replacement Pods (what held one back: a failed sandbox, a pull error, a back-off).
import { httpsGet } from "../test/harness/proc";
import type { NodeCluster } from "../test/harness/node-cluster";

export interface PodRow {
  app: string;
  uid: string;
  reason: string;
  running: boolean;
}

/** The namespace's Pods that are not being deleted, with their first container's state. */
export async function pods(c: NodeCluster, ns: string, ca: Buffer): Promise<PodRow[]> {
  const r = await httpsGet(`${c.cp.server}/api/v1/namespaces/${ns}/pods`, {
    token: c.cp.adminToken,
    ca,
  });
  if (r.status !== 200) throw new Error(`list Pods in ${ns}: HTTP ${r.status}`);
  return (JSON.parse(r.body).items as any[])
    .filter(p => !p.metadata.deletionTimestamp)
    .map(p => {
      const cs = p.status?.containerStatuses?.[0];
      return {
        app: p.metadata.labels?.app ?? "",
        uid: p.metadata.uid,
        reason: cs?.state?.waiting?.reason ?? "",
        running: Boolean(cs?.state?.running) && p.status?.phase === "Running",
      };
    });
}

/** The Warning Events of Pods other than the stuck ones since t0, by reason (one message kept per reason). */
export async function replacementEvents(
  c: NodeCluster,
  ns: string,
  ca: Buffer,
  stuck: Set<string>,
  t0: number,
) {
  const r = await httpsGet(`${c.cp.server}/api/v1/namespaces/${ns}/events`, {
    token: c.cp.adminToken,
    ca,
  });
  const out: Record<string, { count: number; message: string }> = {};
  for (const e of JSON.parse(r.body).items as any[]) {
    const at = Date.parse(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp);
    if (e.type !== "Warning" || e.involvedObject?.kind !== "Pod" || stuck.has(e.involvedObject.uid))
      continue;
    if (at < t0 - 1000) continue;
    const o = (out[e.reason] ??= { count: 0, message: e.message });
    o.count += e.count ?? 1;
  }
  return out;
}
