// Stops the module and the node cluster; fails the run when the node left anything on the machine.
import { stopModule } from "../harness/module";
import { stopNodeCluster } from "../harness/node-cluster";

export default async function globalTeardown() {
  const state = globalThis.__cheironNode;
  globalThis.__cheironNode = undefined;
  delete process.env.CHEIRON_NODE_SKIP;
  if (!state) return;
  if (state.module) await stopModule(state.module);
  await stopNodeCluster(state.cluster);
}
