import { stopControlPlane } from "./control-plane";
import { stopModule } from "./module";

export default async function globalTeardown() {
  const state = globalThis.__cheiron;
  if (!state) return;
  // A skip decided by globalSetup ends with this run (jest --watch runs globalSetup again in this process).
  if (state.skipped !== undefined && process.env.CHEIRON_IT_SKIP === state.skipped) {
    delete process.env.CHEIRON_IT_SKIP;
  }
  if (state.module) await stopModule(state.module);
  if (state.cp) await stopControlPlane(state.cp, process.env.CHEIRON_KEEP_CONTROL_PLANE === "true");
  globalThis.__cheiron = undefined;
}
