// One control plane and one module for the whole integration run. Anything that keeps them from starting is a
// skip with the reason printed, or a failure when integration tests are required (CI or
// CHEIRON_REQUIRE_INTEGRATION set, see skip-policy.ts). A CHEIRON_IT_SKIP set before the run skips without
// starting anything, and is refused when integration tests are required.
import { spawnSync } from "node:child_process";
import { buildK8s } from "../../scripts/k8s-build";
import { startControlPlane, stopControlPlane, ControlPlane } from "./control-plane";
import { snapshotModule, startModule, RunningModule } from "./module";
import { MODULE_ENV } from "./env";
import { decideSkip } from "./skip-policy";

declare global {
  var __cheiron: { cp?: ControlPlane; module?: RunningModule; skipped?: string } | undefined;
}

/** Skips (CHEIRON_IT_SKIP tells the test files why) or throws, as decideSkip says. */
function skipOrFail(why: string, error?: unknown): void {
  const decision = decideSkip({ env: process.env, reason: why });
  if (decision.action === "fail") throw new Error(decision.message, { cause: error });
  console.warn(`\n[integration] SKIPPED: ${decision.reason}\n`);
  process.env.CHEIRON_IT_SKIP = decision.reason;
  globalThis.__cheiron = { skipped: decision.reason };
}

export default async function globalSetup() {
  const preset = process.env.CHEIRON_IT_SKIP;
  delete process.env.CHEIRON_IT_SKIP; // only this function decides to skip
  if (preset) return skipOrFail(`CHEIRON_IT_SKIP was set before the run ("${preset}")`);
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.status !== 0 && !process.env.CHEIRON_K8S_BIN) {
    return skipOrFail(
      "Go (>= 1.26) is not installed, so the local control plane cannot be built; install Go and run npm test again",
    );
  }
  let cp: ControlPlane | undefined;
  try {
    const bin = process.env.CHEIRON_K8S_BIN || buildK8s();
    process.env.CHEIRON_K8S_BIN = bin;
    cp = await startControlPlane(bin);
    const cwd = snapshotModule(cp.dir);
    const module = await startModule(cp.moduleKubeconfig, cp.dir, { env: MODULE_ENV, cwd });
    globalThis.__cheiron = { cp, module };
    Object.assign(process.env, {
      CHEIRON_IT_KUBECONFIG: cp.kubeconfig,
      CHEIRON_IT_DIR: cp.dir,
      CHEIRON_IT_AUDIT: cp.auditLog,
      CHEIRON_IT_MODULE_LOG: module.proc.logFile,
    });
  } catch (e) {
    if (cp) await stopControlPlane(cp, true);
    skipOrFail(
      `the control plane or the module did not start: ${e instanceof Error ? e.message : e}`,
      e,
    );
  }
}
