// API objects as JSON for the in-memory cluster of cluster.ts (not used at runtime).
import type { Obj } from "./cluster";

export const namespaceObj = (name: string, labels: Record<string, string> = {}): Obj => ({
  kind: "Namespace",
  metadata: { name, labels: { "kubernetes.io/metadata.name": name, ...labels } },
});

export const serviceAccountObj = (namespace: string, name = "default"): Obj => ({
  kind: "ServiceAccount",
  metadata: { name, namespace },
});

export const inlineEntry = (name: string, password = "pw-1") => ({
  name,
  registry: "ghcr.io",
  username: "u",
  password,
});

/** A manager with Cheiron's finalizer (a cluster manager when `namespace` is undefined). */
const managerObj = (
  namespace: string | undefined,
  name: string,
  spec: Record<string, unknown>,
  generation: number,
): Obj => ({
  kind: namespace === undefined ? "ClusterImagePullSecretManager" : "ImagePullSecretManager",
  metadata: {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    generation,
    creationTimestamp: "2024-01-01T00:00:00Z",
    finalizers: ["cheiron.anny.co/finalizer"],
  },
  spec: { secrets: [], ...spec },
});

export const namespacedManagerObj = (
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  generation = 1,
): Obj => managerObj(namespace, name, spec, generation);

export const clusterManagerObj = (
  name: string,
  spec: Record<string, unknown>,
  generation = 1,
): Obj => managerObj(undefined, name, spec, generation);

/** The names in a stored ServiceAccount's imagePullSecrets. */
export const pullNames = (sa: Obj | undefined): string[] =>
  (sa?.imagePullSecrets ?? []).map((r: { name: string }) => r.name);
