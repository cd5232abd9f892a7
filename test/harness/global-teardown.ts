import { stopControlPlane } from "./control-plane";
import { stopModule } from "./module";

export default async function globalTeardown() {
  const state = globalThis.__cheiron;
  if (!state) return;
  if (state.module) await stopModule(state.module);
  if (state.cp) await stopControlPlane(state.cp, process.env.CHEIRON_KEEP_CONTROL_PLANE === "true");
  globalThis.__cheiron = undefined;
}
