// One cluster with a real node, three registries and one module (run as `pepr dev` runs it) for the whole node
// project. A machine that cannot run a node (not root, no cgroups, ...) skips the project with the reason printed,
// or fails the run when integration tests are required (CI or CHEIRON_REQUIRE_INTEGRATION, skip-policy.ts).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MODULE_ENV } from "../harness/env";
import { RunningModule, snapshotModule, startModule } from "../harness/module";
import {
  NodeCluster,
  NodeUnavailable,
  startNodeCluster,
  stopNodeCluster,
} from "../harness/node-cluster";
import { decideSkip } from "../harness/skip-policy";
import { writeNodeState } from "./state";

/** Starts the node cluster and (with `withModule`) the module as `pepr dev` runs it; writes the NodeState file. */
export async function setupNode(withModule: boolean) {
  let c: NodeCluster | undefined;
  try {
    c = await startNodeCluster();
    let module: RunningModule | undefined;
    if (withModule) {
      const cwd = snapshotModule(c.cp.dir);
      // spec.verify from the watcher: the private registries' certificates trusted, no spacing between checks.
      const cas = join(c.cp.dir, "registries-ca.pem");
      writeFileSync(
        cas,
        [c.a, c.b].map(r => readFileSync(r?.registry.caFile ?? "", "utf8")).join("\n"),
      );
      const env = {
        ...MODULE_ENV,
        NODE_EXTRA_CA_CERTS: cas,
        CHEIRON_VERIFY_REGISTRY_SPACING_MS: "0",
      };
      module = await startModule(c.cp.moduleKubeconfig, c.cp.dir, { env, cwd });
    }
    globalThis.__cheironNode = { cluster: c, module };
    writeNodeState(c, module?.proc.logFile ?? "");
  } catch (e) {
    if (c)
      await stopNodeCluster(c).catch(err =>
        console.error(err instanceof Error ? err.message : err),
      );
    const why =
      e instanceof NodeUnavailable
        ? `a node cannot run here: ${e.message}`
        : `the node cluster did not start: ${e instanceof Error ? e.message : e}`;
    const decision = decideSkip({ env: process.env, reason: why });
    if (decision.action === "fail") throw new Error(decision.message, { cause: e });
    console.warn(`\n[node] SKIPPED: ${decision.reason}\n`);
    process.env.CHEIRON_NODE_SKIP = decision.reason;
  }
}

export default () => setupNode(true);
