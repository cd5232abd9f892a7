// What the node project's global setup hands to its test files (a JSON file named by CHEIRON_NODE_STATE).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeUnless } from "../harness/skippable";
import type { RunningModule } from "../harness/module";
import type { NodeCluster } from "../harness/node-cluster";

declare global {
  var __cheironNode: { cluster: NodeCluster; module?: RunningModule } | undefined;
}

export interface NodeRegistry {
  /** host:port */
  host: string;
  user: string;
  password: string;
  /** The private test image: <host>/private/app:1. */
  image: string;
  /** The registry's folder (its htpasswd file). */
  dir: string;
}

export interface NodeState {
  kubeconfig: string;
  /** The node's bin folder (crane, kube-proxy, ...). */
  nodeBin: string;
  /** The open registry (no credentials; the sandbox image is there): host:port and its CA file. */
  open: { host: string; caFile: string };
  podLogsDir: string;
  /** The `pepr dev` module's log (empty when the project runs no such module). */
  moduleLog: string;
  /** The run's folder (the control plane's; removed at teardown). */
  dir: string;
  registries: { a: NodeRegistry; b: NodeRegistry };
}

export const skipReason = process.env.CHEIRON_NODE_SKIP;
export const describeNode: jest.Describe = describeUnless(skipReason);

export function nodeState(): NodeState {
  return JSON.parse(readFileSync(process.env.CHEIRON_NODE_STATE ?? "", "utf8")) as NodeState;
}

/**
 * Writes the NodeState file of cluster `c` into its folder and points CHEIRON_NODE_STATE and CHEIRON_IT_KUBECONFIG
 * of this process at it (the node and pods global setups, and `CHEIRON_START=deployed npm start`).
 */
export function writeNodeState(c: NodeCluster, moduleLog: string): string {
  const state: NodeState = {
    kubeconfig: c.cp.kubeconfig,
    nodeBin: c.nodeBin,
    open: { host: c.open?.host ?? "", caFile: c.open?.caFile ?? "" },
    podLogsDir: c.node?.podLogsDir ?? "",
    moduleLog,
    dir: c.cp.dir,
    registries: Object.fromEntries(
      (["a", "b"] as const).map(k => {
        const r = c[k];
        return [
          k,
          {
            host: r?.registry.host ?? "",
            user: r?.user ?? "",
            password: r?.password ?? "",
            image: r?.image ?? "",
            dir: r?.registry.dir ?? "",
          },
        ];
      }),
    ) as NodeState["registries"],
  };
  const file = join(c.cp.dir, "node-state.json");
  writeFileSync(file, JSON.stringify(state));
  Object.assign(process.env, { CHEIRON_NODE_STATE: file, CHEIRON_IT_KUBECONFIG: c.cp.kubeconfig });
  return file;
}
