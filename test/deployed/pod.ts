// One module process as a Pod of its Deployment runs it: `node controller.js <hash>` (pepr's controller image
// command and args, taken from the generated Deployment), which applies the PeprStore CRD, checks the module's
// sha256 and forks it; the Deployment's env; its volumes (the TLS Secret at /etc/certs, the module Secret at
// /app/load, the API path Secret at /app/api-path for admission) and the ServiceAccount token a kubelet projects
// (/var/run/secrets/kubernetes.io/serviceaccount: token, ca.crt, namespace) with KUBERNETES_SERVICE_HOST/PORT.
// No container runtime here, so a preload maps those absolute paths into a folder per process (and Pepr's fixed
// port 3000 to a free one, test/harness/port-remap.ts); nothing else is changed.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPO } from "../harness/module";
import { writePortRemap } from "../harness/port-remap";
import { launchModule } from "../harness/launch";
import { httpsGet, Proc } from "../harness/proc";

const PRELOAD = `// Maps a Pod's mounted paths into CHEIRON_TEST_POD_ROOT (test/deployed/pod.ts).
const fs = require("node:fs");
const cp = require("node:child_process");
const root = process.env.CHEIRON_TEST_POD_ROOT;
const mounts = ["/app/", "/etc/certs/", "/var/run/secrets/kubernetes.io/serviceaccount/"];
const map = p => (typeof p === "string" && mounts.some(m => p.startsWith(m)) ? root + p : p);
const wrap = (obj, names) => {
  for (const n of names) {
    const f = obj[n];
    if (typeof f === "function") obj[n] = function (p, ...rest) { return f.call(this, map(p), ...rest); };
  }
};
wrap(fs, ["accessSync", "existsSync", "readFileSync", "writeFileSync", "statSync", "openSync", "readFile", "stat", "access", "createReadStream"]);
wrap(fs.promises, ["readFile", "stat", "access"]);
wrap(cp, ["fork"]);
require("node:module").syncBuiltinESMExports();
`;

export interface PodSpec {
  name: string;
  /** The Deployment's container args: [controller.js path, module hash]. */
  args: string[];
  env: Record<string, string>;
  /** Files of the Pod's volumes, by absolute path in the container (e.g. /etc/certs/tls.key). */
  files: Record<string, string | Buffer>;
  port: number;
}

export interface PodProc {
  proc: Proc;
  port: number;
  name: string;
}

/** Starts the Pod's process in `dir` and waits until it serves /healthz on its port. */
export async function startPod(dir: string, spec: PodSpec, timeoutMs = 120_000): Promise<PodProc> {
  const root = join(dir, `${spec.name}-root`);
  for (const [path, content] of Object.entries(spec.files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content, { mode: 0o600 });
  }
  const preload = join(dir, "pod-paths.cjs");
  writeFileSync(preload, PRELOAD);
  const remap = writePortRemap(dir);
  // The image's /app/node_modules/pepr/dist/controller.js is this repo's pepr 1.1.4.
  const controller = spec.args[0].replace("/app/node_modules", join(REPO, "node_modules"));
  const proc = await launchModule({
    name: spec.name,
    dir,
    cmd: process.execPath,
    args: ["--require", preload, ...remap.nodeArgs, controller, ...spec.args.slice(1)],
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: root,
      NODE_PATH: join(REPO, "node_modules"),
      CHEIRON_TEST_POD_ROOT: root,
      ...remap.env(spec.port),
      ...spec.env,
    },
    healthUrl: `https://127.0.0.1:${spec.port}/healthz`,
    tls: { insecure: true },
    timeoutMs,
  });
  return { proc, port: spec.port, name: spec.name };
}

/** The process's /metrics (Pepr serves it on the module's port, no authentication). */
export async function metricsOf(p: PodProc): Promise<string> {
  const r = await httpsGet(`https://127.0.0.1:${p.port}/metrics`, { insecure: true });
  if (r.status !== 200) throw new Error(`${p.name} /metrics: HTTP ${r.status}`);
  return r.body;
}
