// Pure helpers of the scale benchmark (unit-tested in test/unit/bench-plan.test.ts): which sizes and phases a run
// measures, the many-managers phase's objects and expected writes, the floor's writes, and CPU-seconds per 1,000
// writes.

/** The sizes: BENCH_SCALE_N, else 100 and 1,000 (--quick), else 100, 1,000, 5,000 and 10,000. */
export function parseSizes(env: string | undefined, quick: boolean): number[] {
  const text = env ?? (quick ? "100,1000" : "100,1000,5000,10000");
  return text.split(",").map(Number);
}

/** The phases a run can add to the main one (fan-out, new namespaces, floor, pairs): "many" (issue 26 #5). */
export const PHASES = ["many"] as const;
export type Phase = (typeof PHASES)[number];

/** BENCH_SCALE_PHASES ("many", or "none"), else none (--quick) or all. Unknown names throw. */
export function parsePhases(env: string | undefined, quick: boolean): Set<Phase> {
  const text = env ?? (quick ? "none" : PHASES.join(","));
  const list = text
    .split(",")
    .map(s => s.trim())
    .filter(s => s && s !== "none");
  for (const p of list)
    if (!(PHASES as readonly string[]).includes(p))
      throw new Error(
        `BENCH_SCALE_PHASES: unknown phase "${p}" (known: ${PHASES.join(", ")}, none)`,
      );
  return new Set(list as Phase[]);
}

/** How long to wait for the 3N ServiceAccounts of a new set: 5 minutes, or 100 ms per namespace if longer. */
export const setupTimeoutMs = (n: number) => Math.max(300_000, 100 * n);

export const MANY_CLUSTER = 5;
export const MANY_NAMESPACED = 100;
const CIPSM = "ClusterImagePullSecretManager";

const entry = (name: string, registry: string) => ({
  name,
  registry,
  username: "bench-user",
  password: "bench-token-not-real",
});

/**
 * The many-managers phase over the namespaces `list`: `clusters` cluster managers `bench-many-<i>` (each its own
 * registry and Secret name, all selecting the namespaces by the labels `matchLabels`), and one ImagePullSecretManager `bench-own` in
 * each of the first `namespaced` namespaces (its own registry, Secret `bench-own`).
 */
export function buildManyManagers(
  matchLabels: Record<string, string>,
  list: string[],
  clusters: number,
  namespaced: number,
) {
  const cluster = Array.from({ length: clusters }, (_, i) => ({
    apiVersion: "cheiron.anny.co/v1alpha1",
    kind: CIPSM,
    metadata: { name: `bench-many-${i}` },
    spec: {
      mode: "ServiceAccount",
      namespaceSelector: { matchLabels },
      secrets: [entry(`bench-many-${i}`, `registry-${i}.example.com`)],
    },
  }));
  const own = list.slice(0, namespaced).map((ns, i) => ({
    apiVersion: "cheiron.anny.co/v1alpha1",
    kind: "ImagePullSecretManager",
    metadata: { name: "bench-own", namespace: ns },
    spec: { mode: "ServiceAccount", secrets: [entry("bench-own", `ns-${i}.registry.example.com`)] },
  }));
  return { cluster, own };
}

/** The Secret names every ServiceAccount of `ns` must reference once the managers are done. */
export function expectedSecrets(clusters: number, ownNamespaces: ReadonlySet<string>) {
  const shared = Array.from({ length: clusters }, (_, i) => `bench-many-${i}`);
  return (ns: string) => (ownNamespaces.has(ns) ? [...shared, "bench-own"] : shared);
}

/** Writes of the many-managers phase: Secrets exactly, ServiceAccount patches between least and most. */
export function manyBounds(n: number, clusters: number, namespaced: number, saPerNs = 3) {
  const own = Math.min(namespaced, n);
  return {
    secrets: clusters * n + own,
    /** One patch per ServiceAccount, every manager's names merged into it. */
    leastPatches: saPerNs * n,
    /** One patch per ServiceAccount and manager, none merged. */
    mostPatches: saPerNs * (clusters * n + own),
  };
}

/** Patches the per-namespace work saved against one per ServiceAccount and manager. */
export const mergedPatches = (most: number, made: number) => most - made;

export interface FloorItem {
  ns: string;
  /** A Secret to create, or "" for the patch of ServiceAccount `sa`. */
  secret: string;
  sa: string;
}

/** The floor's writes per namespace: its Secrets, then one merge patch of each ServiceAccount with all names. */
export function buildFloorItems(
  list: string[],
  secretsOf: (ns: string) => string[],
  sas: string[],
) {
  return list.flatMap(ns => [
    ...secretsOf(ns).map(secret => ({ ns, secret, sa: "" })),
    ...sas.map(sa => ({ ns, secret: "", sa })),
  ]);
}

/** CPU-seconds per 1,000 writes (NaN without writes or a reading). */
export const perThousand = (cpuSeconds: number | undefined, writes: number) =>
  writes > 0 && cpuSeconds !== undefined && Number.isFinite(cpuSeconds)
    ? (1000 * cpuSeconds) / writes
    : NaN;
