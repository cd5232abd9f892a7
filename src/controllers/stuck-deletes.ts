// Which stuck Pods one look deletes (stuck-pods.ts), and the deletes: owner by owner, all of one owner's Pods at
// once (so a Deployment's replicas recover together), within the manager's recreateStuckPodsPerMinute bucket, each
// owner's back-off and each node's image pull budget (src/domain/stuck-pace.ts). What waits for a token or a
// node's pulls makes its namespace due again (retryAt) when they are there: a node's, once it has a second's worth
// (NODE_PULLS_PER_SECOND) or all that waits for it, so a burst goes in a few looks, not one look per Pod.
import type { Manager } from "../domain/model";
import type { NamespaceCheck, StuckPod } from "../domain/stuck";
import {
  buildNodePulls,
  NODE_PULLS_PER_SECOND,
  NodePullBudget,
  TokenBucket,
} from "../domain/stuck-pace";
import { buildRecreateRate, RecreateBackoff } from "../domain/stuck-recreate";
import { runBounded } from "./bounded";
import { deleteStuckPod } from "./pods";

/** Per owner uid, shared by every manager: an owner loses Pods at most once per back-off. */
const backoff = new RecreateBackoff();
/** Per node, shared by every manager: the kubelet's pull budget is the node's. */
const nodes = new NodePullBudget();
/** Stuck Pods deleted side by side in one look. */
const DELETE_CONCURRENCY = 8;

export interface RecreateMemory {
  bucket?: TokenBucket;
  checks: Map<string, NamespaceCheck>;
}

/** Deletes those of `stuck` (the due namespaces' stuck Pods) whose turn it is; returns the ones deleted. */
export async function recreateStuckPods(
  m: Manager,
  mem: RecreateMemory,
  stuck: StuckPod[],
  now: number,
): Promise<StuckPod[]> {
  const rate = buildRecreateRate(m.spec.recreateStuckPodsPerMinute);
  const bucket = (mem.bucket ??= new TokenBucket(rate, now));
  const retry = (ns: string, at: number) => {
    const check = mem.checks.get(ns);
    if (check) check.retryAt = Math.min(check.retryAt ?? at, at);
  };
  const byOwner = new Map<string, StuckPod[]>();
  for (const p of stuck)
    if (p.recreatable && p.owner && !p.blocked)
      byOwner.set(p.owner, [...(byOwner.get(p.owner) ?? []), p]);
  /** Per node, the pulls of the owners left for its budget, and their namespaces. */
  const waiting = new Map<string, { pulls: number; namespaces: Set<string> }>();
  const chosen: StuckPod[] = [];
  for (const [owner, pods] of byOwner) {
    const t = Date.now();
    if (!backoff.allows(owner, t)) continue;
    const pulls = buildNodePulls(pods);
    if (!nodes.fits(pulls, t)) {
      for (const [node, n] of pulls) {
        const w = waiting.get(node) ?? { pulls: 0, namespaces: new Set<string>() };
        waiting.set(node, { pulls: w.pulls + n, namespaces: w.namespaces.add(pods[0].namespace) });
      }
      continue;
    }
    if (!bucket.take(t, rate)) {
      retry(pods[0].namespace, bucket.nextAt(t));
      continue;
    }
    // Recorded before any await, so that another manager's check running meanwhile leaves this owner alone.
    backoff.record(owner, t);
    const mine = pods.filter((_, i) => i === 0 || bucket.take(t, rate));
    nodes.take(buildNodePulls(mine), t);
    chosen.push(...mine);
  }
  for (const [node, w] of waiting) {
    const at = nodes.readyAt(node, Math.min(w.pulls, NODE_PULLS_PER_SECOND), Date.now());
    for (const ns of w.namespaces) retry(ns, at);
  }
  const gone = new Set<StuckPod>();
  await runBounded(
    chosen.map(p => async () => {
      if (await deleteStuckPod(m, p)) gone.add(p);
    }),
    DELETE_CONCURRENCY,
  );
  return chosen.filter(p => gone.has(p));
}
