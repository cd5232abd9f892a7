// The built bundle in watcher mode (PEPR_WATCH_MODE=true, as its Deployment runs it) against a control plane of
// its own, for tests that need their own module settings (a short resync) or an empty cluster (no CRDs).
// Pepr binds its fixed port 3000 and the suite's `pepr dev` module holds it: see test/harness/port-remap.ts.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildModule, makeCert, startBuiltModule, Tls } from "./built-module";
import {
  ControlPlane,
  ControlPlaneOptions,
  startControlPlane,
  stopControlPlane,
} from "./control-plane";
import { kubectl } from "./kubectl";
import { installCRDs, snapshotModule } from "./module";
import { freePort, Proc, stopProc } from "./proc";
import { writePortRemap } from "./port-remap";

export interface OwnWatcher {
  cp: ControlPlane;
  proc: Proc;
  /** The loopback port its HTTPS server (/healthz, /metrics) listens on (TLS: a self-signed certificate). */
  port: number;
  /** Stops the watcher process and starts the same bundle again (a Pod restart); the control plane stays. */
  restart(): Promise<void>;
  /** SIGKILL to the watcher (no shutdown of any kind), then the same bundle started again. */
  kill(): Promise<void>;
  /**
   * The same bundle as the admission Deployment runs it (PEPR_WATCH_MODE=false) on a port of its own; with
   * applyWebhooks(cp.kubeconfig, manifest, port, apiPath, tls.ca) the apiserver calls it (test/faults).
   */
  startAdmission(name: string, port: number): Promise<Proc>;
  /** The built manifest (pepr-module-cheiron.yaml), the webhooks' API path and the serving certificate. */
  manifest: string;
  apiPath: string;
  tls: Tls;
  stop(): Promise<void>;
}

/** Builds the module (from a snapshot of its sources), starts a control plane and the watcher on it. */
export async function startOwnWatcher(opts: {
  env: NodeJS.ProcessEnv;
  crds?: boolean;
  /** Control plane options (test/faults: a short --etcd-compaction-interval, users audited in full). */
  controlPlane?: ControlPlaneOptions;
  /** Runs once the cluster is up, before the watcher starts; may give it another kubeconfig (an identity). */
  setup?: (cp: ControlPlane) => Promise<{ kubeconfig?: string } | void>;
}): Promise<OwnWatcher> {
  const cp = await startControlPlane(process.env.CHEIRON_K8S_BIN ?? "", opts.controlPlane);
  try {
    // crds: false leaves only the PeprStore CRD (pepr's controller.js applies it before it runs the module).
    await installCRDs(cp.kubeconfig, cp.dir, { cheiron: opts.crds !== false });
    // The module's namespace, as `pepr deploy` creates it (the watcher keeps its ownership key there).
    await kubectl(cp.kubeconfig, ["create", "namespace", "pepr-system"]);
    const src = snapshotModule(cp.dir);
    const out = join(cp.dir, "dist");
    mkdirSync(out, { recursive: true });
    const bundle = await buildModule(src, out, join(cp.dir, "pepr-build.log"));
    const remap = writePortRemap(cp.dir);
    const port = await freePort();
    const tls = makeCert(cp.dir);
    const kubeconfig = (await opts.setup?.(cp))?.kubeconfig ?? cp.moduleKubeconfig;
    const start = (name: string, watchMode = true, on = port) =>
      startBuiltModule({
        name,
        bundle,
        dir: cp.dir,
        kubeconfig,
        tls,
        watchMode,
        apiPath: "own-watcher",
        port: on,
        nodeArgs: remap.nodeArgs,
        env: { ...opts.env, ...remap.env(on) },
      });
    let runs = 1;
    const w: OwnWatcher = {
      cp,
      proc: await start("own-watcher"),
      port,
      async restart() {
        await stopProc(w.proc);
        w.proc = await start(`own-watcher-${++runs}`);
      },
      async kill() {
        if (w.proc.child.pid) process.kill(-w.proc.child.pid, "SIGKILL");
        await stopProc(w.proc);
        w.proc = await start(`own-watcher-${++runs}`);
      },
      startAdmission: (name, on) => start(name, false, on),
      manifest: join(out, "pepr-module-cheiron.yaml"),
      apiPath: "own-watcher",
      tls,
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
