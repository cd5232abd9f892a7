// How fast stuck Pods are deleted (src/controllers/stuck-pods.ts): a manager's recreateStuckPodsPerMinute, and the
// image pulls a node's kubelet accepts. A deleted Pod's replacement pulls its images on a node (usually the same:
// the stuck Pod's spec.nodeName), and the kubelet's registryPullQPS/registryBurst (defaults 5 a second, 10 at
// once) refuses pulls over that budget with "pull QPS exceeded": such a replacement then waits out the kubelet's
// 10 s image back-off. So the deletes are charged, per node, to a bucket of that default size.
import type { PodView, StuckPod } from "./stuck";

/** The kubelet's default registryBurst: pulls a node accepts at once… */
export const NODE_PULL_BURST = 10;
/** …and its default registryPullQPS: pulls a second after that. */
export const NODE_PULLS_PER_SECOND = 5;

/** A token bucket: `perMinute` tokens a minute, at most `burst` (default `perMinute`) at once. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private perMinute: number,
    now: number,
    private readonly burst?: number,
  ) {
    this.tokens = this.cap();
    this.at = now;
  }

  /** Takes `n` tokens if there are that many. A changed rate applies from now on. */
  take(now: number, perMinute = this.perMinute, n = 1): boolean {
    this.perMinute = perMinute;
    this.refill(now);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** When `n` tokens are there (now if they are). */
  nextAt(now: number, n = 1): number {
    this.refill(now);
    return this.tokens >= n ? now : now + Math.ceil(((n - this.tokens) * 60_000) / this.perMinute);
  }

  /** It holds all it can (an idle bucket, which can be forgotten). */
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.cap();
  }

  private cap(): number {
    return this.burst ?? this.perMinute;
  }

  /** Adds the tokens earned since the last call (refilling is linear and capped, so when it runs is immaterial). */
  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.at);
    this.tokens = Math.min(this.cap(), this.tokens + (elapsed * this.perMinute) / 60_000);
    this.at = now;
  }
}

/** The pulls a new Pod from this Pod's template makes: one per container and init container (1 to the burst). */
export function buildPodPulls(pod: PodView): number {
  const images = (pod.spec?.containers?.length ?? 0) + (pod.spec?.initContainers?.length ?? 0);
  return Math.min(NODE_PULL_BURST, Math.max(1, images));
}

/** Pulls per node that deleting `pods` causes, each node's at most NODE_PULL_BURST; Pods on no node cost none. */
export function buildNodePulls(pods: Pick<StuckPod, "node" | "pulls">[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of pods)
    if (p.node) out.set(p.node, Math.min(NODE_PULL_BURST, (out.get(p.node) ?? 0) + (p.pulls ?? 1)));
  return out;
}

/** The pulls each node's kubelet accepts by default, spent by the deletes of every manager of this process. */
export class NodePullBudget {
  private nodes = new Map<string, TokenBucket>();

  /** Every node of `pulls` has that many now. */
  fits(pulls: Map<string, number>, now: number): boolean {
    return [...pulls].every(([node, n]) => this.bucket(node, now).nextAt(now, n) <= now);
  }

  /** Spends `pulls` (after fits). Forgets the nodes whose bucket refilled. */
  take(pulls: Map<string, number>, now: number): void {
    for (const [node, b] of this.nodes)
      if (!pulls.has(node) && b.full(now)) this.nodes.delete(node);
    for (const [node, n] of pulls) this.bucket(node, now).take(now, NODE_PULLS_PER_SECOND * 60, n);
  }

  /** When `node` has `n` pulls (at most the burst). */
  readyAt(node: string, n: number, now: number): number {
    return this.bucket(node, now).nextAt(now, Math.min(NODE_PULL_BURST, n));
  }

  get size(): number {
    return this.nodes.size;
  }

  private bucket(node: string, now: number): TokenBucket {
    if (!this.nodes.has(node))
      this.nodes.set(node, new TokenBucket(NODE_PULLS_PER_SECOND * 60, now, NODE_PULL_BURST));
    return this.nodes.get(node)!;
  }
}
