// `npm start`'s local cluster with a real node where the machine allows it (test/harness/node-cluster.ts: the
// control plane, kube-scheduler, containerd and the kubelet, and registries with a private image pushed), and the
// two files it prints for a user to try: a Deployment of the private image (its Pod goes to ImagePullBackOff)
// and a manager with that registry's credentials and recreateStuckPods (the stuck Pod is replaced and Running).
// Where a node cannot run it says why in one line and the caller starts the control plane alone.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { NodeCluster, startNodeCluster } from "../test/harness/node-cluster";
import { BRIDGE } from "../test/harness/node";
import { nodeUnavailableReason } from "../test/harness/node-host";
import { isFlagOn } from "../test/harness/skip-policy";

export const TRY_NAMESPACE = "cheiron-try";

/** Why `npm start` runs no node here (CHEIRON_START_NODE=false, or the machine), or undefined. */
export function startNodeDisabledReason(env: NodeJS.ProcessEnv): string | undefined {
  const v = env.CHEIRON_START_NODE;
  if (v !== undefined && v.trim() !== "" && !isFlagOn(v)) return `CHEIRON_START_NODE=${v}`;
  return nodeUnavailableReason(BRIDGE.name);
}

/** The node cluster, or the one-line reason why none runs (the caller then starts the control plane alone). */
export async function tryStartNodeCluster(): Promise<NodeCluster | string> {
  const why = startNodeDisabledReason(process.env);
  if (why) return why;
  try {
    return await startNodeCluster();
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    return `the node did not start (${first})`;
  }
}

/** Writes try-deployment.yaml and try-manager.yaml into the cluster's folder; returns their paths. */
export function writeTryFiles(c: NodeCluster): { deployment: string; manager: string } {
  const a = c.a!;
  const deployment = join(c.cp.dir, "try-deployment.yaml");
  writeFileSync(
    deployment,
    `# A Deployment of a private image: with no credentials its Pod waits in ImagePullBackOff.
apiVersion: v1
kind: Namespace
metadata: {name: ${TRY_NAMESPACE}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: ${TRY_NAMESPACE}}
spec:
  replicas: 1
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - {name: app, image: "${a.image}", imagePullPolicy: Always}
`,
  );
  const manager = join(c.cp.dir, "try-manager.yaml");
  writeFileSync(
    manager,
    `# The registry's credentials for the namespace; recreateStuckPods replaces the Pod that is already stuck.
apiVersion: cheiron.anny.co/v1alpha1
kind: ImagePullSecretManager
metadata: {name: local-registry, namespace: ${TRY_NAMESPACE}}
spec:
  recreateStuckPods: true
  secrets:
    - {name: local-registry, registry: "${a.registry.host}", username: ${a.user}, password: "${a.password}"}
`,
    { mode: 0o600 },
  );
  return { deployment, manager };
}
