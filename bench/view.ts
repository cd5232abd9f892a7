// bench:admission's view at scale (BENCH_VIEW_NAMESPACES, BENCH_VIEW_MANAGERS): namespaces and managers besides
// the two the requests are checked against, so that admission's informers (fed by the real control plane) hold
// what a large cluster holds. Namespaces view-0 … view-(N-1); of the managers, up to 5 are cluster managers, each
// selecting 20 of those namespaces by label (group g0 … g4), the rest namespaced managers, one in each of view-0,
// view-1, … with one inline entry. None covers bench-sa or bench-pod, so the checked answers do not change.
import { kubectl } from "../test/harness/kubectl";

const CLUSTER_MANAGERS = 5;
const PER_GROUP = 20;
const CHUNK = 500;

export interface ViewSize {
  namespaces: number;
  managers: number;
}

const inline = (name: string, host: string) => ({
  name,
  registry: host,
  username: "view-user",
  password: "view-not-real",
});

/** The objects of the view, in the order they are applied (namespaces first). */
export function buildView(size: ViewSize): object[] {
  const clusters = Math.min(CLUSTER_MANAGERS, size.managers);
  const namespaced = Math.min(size.managers - clusters, size.namespaces);
  const namespaces = Array.from({ length: size.namespaces }, (_, i) => {
    const group = Math.floor(i / PER_GROUP);
    const labels = group < clusters ? { "cheiron-bench/group": `g${group}` } : undefined;
    return { apiVersion: "v1", kind: "Namespace", metadata: { name: `view-${i}`, labels } };
  });
  const cluster = Array.from({ length: clusters }, (_, g) => ({
    apiVersion: "cheiron.anny.co/v1alpha1",
    kind: "ClusterImagePullSecretManager",
    metadata: { name: `view-g${g}` },
    spec: {
      namespaceSelector: { matchLabels: { "cheiron-bench/group": `g${g}` } },
      secrets: [inline(`view-g${g}`, `g${g}.registry.example.com`)],
    },
  }));
  const own = Array.from({ length: namespaced }, (_, i) => ({
    apiVersion: "cheiron.anny.co/v1alpha1",
    kind: "ImagePullSecretManager",
    metadata: { name: "view", namespace: `view-${i}` },
    spec: { secrets: [inline("view-own", `ns-${i}.registry.example.com`)] },
  }));
  return [...namespaces, ...cluster, ...own];
}

/** Applies the view in chunks; resolves with the number of objects. */
export async function createView(kubeconfig: string, size: ViewSize): Promise<number> {
  const objects = buildView(size);
  for (let i = 0; i < objects.length; i += CHUNK) {
    const items = objects.slice(i, i + CHUNK);
    await kubectl(kubeconfig, ["apply", "--server-side", "-f", "-"], {
      input: JSON.stringify({ apiVersion: "v1", kind: "List", items }),
    });
  }
  return objects.length;
}

/**
 * The Secrets the watcher writes for the view (namespace/name): one per namespaced manager, and one in each
 * namespace a cluster manager's group label selects (a group may hold fewer than PER_GROUP when N is small).
 */
export function buildViewSecrets(size: ViewSize): string[] {
  return buildView(size).flatMap((o: any) => {
    const group = o.metadata.labels?.["cheiron-bench/group"];
    if (o.kind === "Namespace") return group ? [`${o.metadata.name}/view-${group}`] : [];
    return o.kind === "ImagePullSecretManager" ? [`${o.metadata.namespace}/view-own`] : [];
  });
}

/** Waits until every Secret of the view exists (one list of the labelled Secrets per poll). */
export async function waitForViewSecrets(kubeconfig: string, size: ViewSize, timeoutMs = 900_000) {
  const want = buildViewSecrets(size);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await kubectl(kubeconfig, [
      ...[
        "get",
        "secrets",
        "-A",
        "-o",
        "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}",
      ],
    ]);
    const have = new Set(r.stdout.split(" "));
    const missing = want.filter(s => !have.has(s));
    if (missing.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`view Secrets missing: ${missing.slice(0, 5).join(", ")}…`);
    await new Promise(res => setTimeout(res, 2000));
  }
}
