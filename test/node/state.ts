// What the node project's global setup hands to its test files (a JSON file named by CHEIRON_NODE_STATE).
import { readFileSync } from "node:fs";
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
