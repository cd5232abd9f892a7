// The built bundle in watcher mode (PEPR_WATCH_MODE=true, as its Deployment runs it) against a control plane of
// its own, for tests that need their own module settings (a short resync) or an empty cluster (no CRDs).
// Pepr binds its fixed port 3000; the suite's `pepr dev` module holds it, so a `--require` preload maps this
// process's listen on 3000 to a free port, the way a Service maps a port to a Pod.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildModule, makeCert, startBuiltModule } from "../../bench/modules";
import { ControlPlane, startControlPlane, stopControlPlane } from "./control-plane";
import { kubectl } from "./kubectl";
import { installCRDs, snapshotModule } from "./module";
import { freePort, Proc, stopProc } from "./proc";

const PRELOAD = `// Maps Pepr's fixed listen port 3000 to CHEIRON_TEST_LISTEN_PORT (test/harness/own-watcher.ts).
const net = require("node:net");
const to = Number(process.env.CHEIRON_TEST_LISTEN_PORT);
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args[0] === 3000 && to) args[0] = to;
  return listen.apply(this, args);
};
`;

export interface OwnWatcher {
  cp: ControlPlane;
  proc: Proc;
  /** Stops the watcher process and starts the same bundle again (a Pod restart); the control plane stays. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the module (from a snapshot of its sources), starts a control plane and the watcher on it. */
export async function startOwnWatcher(opts: {
  env: NodeJS.ProcessEnv;
  crds?: boolean;
}): Promise<OwnWatcher> {
  const cp = await startControlPlane(process.env.CHEIRON_K8S_BIN ?? "");
  try {
    // crds: false leaves only the PeprStore CRD (pepr's controller.js applies it before it runs the module).
    await installCRDs(cp.kubeconfig, cp.dir, { cheiron: opts.crds !== false });
    // The module's namespace, as `pepr deploy` creates it (the watcher keeps its ownership key there).
    await kubectl(cp.kubeconfig, ["create", "namespace", "pepr-system"]);
    const src = snapshotModule(cp.dir);
    const out = join(cp.dir, "dist");
    mkdirSync(out, { recursive: true });
    const bundle = await buildModule(src, out, join(cp.dir, "pepr-build.log"));
    const preload = join(cp.dir, "port-remap.cjs");
    writeFileSync(preload, PRELOAD);
    const port = await freePort();
    const tls = makeCert(cp.dir);
    const start = (name: string) =>
      startBuiltModule({
        name,
        bundle,
        dir: cp.dir,
        kubeconfig: cp.moduleKubeconfig,
        tls,
        watchMode: true,
        apiPath: "own-watcher",
        port,
        nodeArgs: ["--require", preload],
        env: { ...opts.env, CHEIRON_TEST_LISTEN_PORT: String(port) },
      });
    let runs = 1;
    const w: OwnWatcher = {
      cp,
      proc: await start("own-watcher"),
      async restart() {
        await stopProc(w.proc);
        w.proc = await start(`own-watcher-${++runs}`);
      },
      async stop() {
        await stopProc(w.proc);
        await stopControlPlane(cp, process.env.CHEIRON_KEEP_CONTROL_PLANE === "true");
      },
    };
    return w;
  } catch (e) {
    await stopControlPlane(cp, true);
    throw e;
  }
}
