// `CHEIRON_START=deployed npm start` (issue 25 #6): the module as its own Pods. The local cluster with a node and
// its registries (scripts/start-node.ts), the controller image built here (scripts/image-build.ts) pushed to the
// open registry, and Cheiron installed with `npx pepr deploy -i <image> --yes` from a copy of the module, exactly
// as the `pods` test project installs it (test/pods/install.ts), until both Deployments are Ready by their probes
// and the watcher has installed the CRDs. Without a node there is nothing to deploy to: the caller says why and
// exits non-zero.
import { expect } from "expect";
import { NodeCluster } from "../test/harness/node-cluster";
import { writeNodeState } from "../test/node/state";
import { DEPLOYMENTS, ensureDeployed } from "../test/pods/install";

export const PEPR_NAMESPACE = "pepr-system";

/** Whether npm start runs the module as Pods (CHEIRON_START=deployed) rather than as `pepr dev` does. */
export const startsDeployed = (env: NodeJS.ProcessEnv) =>
  env.CHEIRON_START?.trim().toLowerCase() === "deployed";

/** Installs Cheiron on the node cluster `c` with `npx pepr deploy`; resolves once both Deployments are Ready. */
export async function deployOnNode(c: NodeCluster): Promise<void> {
  // test/pods/install.ts (written for jest) reads the cluster from the NodeState file, and waits with jest's
  // `expect`, which is a global inside jest; outside it the same matcher comes from the `expect` package.
  writeNodeState(c, "");
  const g = globalThis as { expect?: unknown };
  g.expect ??= expect;
  console.log(
    "[start] installing Cheiron with npx pepr deploy (its own build first, then both Deployments Ready) ...",
  );
  await ensureDeployed();
}

/**
 * The lines that show the module's own log (Cheiron's lines and Pepr's). Not `kubectl logs`: the local node's
 * kubelet serves only 127.0.0.1 and no client of the apiserver (test/harness/node-config.ts), so its log files.
 */
export function deployedLogLines(c: NodeCluster): string {
  const [admission, watcher] = DEPLOYMENTS;
  // <podLogsDir>/<namespace>_<pod>_<uid>/<container>/<restart>.log; Pepr names the containers watcher and server.
  const logs = (d: string, container: string) =>
    `${c.node?.podLogsDir}/${PEPR_NAMESPACE}_${d}-*/${container}/*.log`;
  return `  module:     Pods in ${PEPR_NAMESPACE}: deploy/${admission} (admission, 2 replicas), deploy/${watcher} (watcher)
  logs:       tail -F ${logs(watcher, "watcher")}
              tail -F ${logs(admission, "server")}     # the kubelet's files: kubectl logs cannot reach this node
`;
}
