// One control plane and one module for the whole integration run. With CI=true, anything that keeps them
// from starting is a failure; elsewhere the suite is skipped with the reason printed.
import { spawnSync } from "node:child_process";
import { buildK8s } from "../../scripts/k8s-build";
import { startControlPlane, stopControlPlane, ControlPlane } from "./control-plane";
import { snapshotModule, startModule, RunningModule } from "./module";
import { MODULE_ENV } from "./env";

declare global {
  var __cheiron: { cp?: ControlPlane; module?: RunningModule } | undefined;
}

export default async function globalSetup() {
  const ci = process.env.CI === "true";
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.status !== 0 && !process.env.CHEIRON_K8S_BIN) {
    const why = "Go (>= 1.26) is not installed, so the local control plane cannot be built";
    if (ci) throw new Error(`[integration] ${why}`);
    console.warn(`\n[integration] SKIPPED: ${why}. Install Go and run npm test again.\n`);
    process.env.CHEIRON_IT_SKIP = why;
    return;
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
    if (ci) throw e;
    const why = `the control plane or the module did not start: ${e instanceof Error ? e.message : e}`;
    console.warn(`\n[integration] SKIPPED: ${why}\n`);
    process.env.CHEIRON_IT_SKIP = why;
  }
}
