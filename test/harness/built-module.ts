// Builds a Pepr module with `npx pepr build -o <dir>` and runs the bundle the way the admission and watcher
// Deployments do (`node pepr-<uuid>.js`, PEPR_WATCH_MODE=false|true), on https://localhost:3000 with a
// self-signed certificate, and points the built manifest's webhooks at it. One module at a time: the port is
// Pepr's fixed 3000 (or a remap). Shared by the tests (own-watcher.ts, test/deployed, test/faults) and bench/.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./module";
import { launchModule } from "./launch";
import { Proc, sleep } from "./proc";
import type { MemoryCgroup } from "./cgroup";
import { kubectl } from "./kubectl";

export const PORT = 3000;
/** The bundle keeps pepr and its dependencies external; outside the repo they come from here. */
const NODE_PATH = join(REPO, "node_modules");

export interface Tls {
  keyFile: string;
  certFile: string;
  ca: Buffer;
}

/** A self-signed certificate for localhost (DNS SAN, as the apiserver would need too). */
export function makeCert(dir: string): Tls {
  const keyFile = join(dir, "bench-tls.key");
  const certFile = join(dir, "bench-tls.crt");
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"],
      ...["-addext", "subjectAltName=DNS:localhost", "-keyout", keyFile, "-out", certFile],
    ],
    { stdio: "ignore" },
  );
  return { keyFile, certFile, ca: readFileSync(certFile) };
}

/** `npx pepr build -o outDir` in moduleDir; resolves with the bundle's path. */
export async function buildModule(moduleDir: string, outDir: string, logFile: string) {
  const uuid = JSON.parse(readFileSync(join(moduleDir, "package.json"), "utf8")).pepr.uuid;
  // A module folder without its own node_modules (bench/noop-module) borrows the repo's for the build.
  const link = join(moduleDir, "node_modules");
  const linked = !existsSync(link);
  if (linked) symlinkSync(NODE_PATH, link, "dir");
  const t0 = Date.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn("npx", ["pepr", "build", "-o", outDir], {
        cwd: moduleDir,
        env: { ...process.env, NODE_PATH },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", d => (out += d));
      child.stderr.on("data", d => (out += d));
      // The build forks the bundle to read its capabilities; if that fork cannot start, it waits forever.
      const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
      child.on("exit", code => {
        clearTimeout(timer);
        writeFileSync(logFile, out);
        if (code === 0) resolve();
        else reject(new Error(`pepr build in ${moduleDir} failed (${code}):\n${out.slice(-3000)}`));
      });
    });
  } finally {
    if (linked) rmSync(link);
  }
  const bundle = join(outDir, `pepr-${uuid}.js`);
  if (!existsSync(bundle)) throw new Error(`pepr build wrote no ${bundle}`);
  console.log(`[bench] built ${bundle} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return bundle;
}

export interface ModuleRun {
  name: string;
  bundle: string;
  dir: string;
  kubeconfig: string;
  tls: Tls;
  /** true: the watcher (controller); false: admission only. */
  watchMode: boolean;
  apiPath: string;
  /** Where /healthz is checked (default PORT); with a port remap preload (bench/scale-modules.ts). */
  port?: number;
  /** Node options before the bundle (for example `--require <preload>`), and extra environment. */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Start the process inside this memory cgroup (its Deployment's limit), as a container runtime would. */
  cgroup?: MemoryCgroup;
}

/** Starts `node <bundle>` and waits until /healthz answers (Pepr binds it once its store is ready). */
export async function startBuiltModule(run: ModuleRun, timeoutMs = 90_000): Promise<Proc> {
  return launchModule({
    name: run.name,
    dir: run.dir,
    cmd: process.execPath,
    args: [...(run.nodeArgs ?? []), run.bundle],
    cwd: run.dir,
    env: {
      ...process.env,
      NODE_PATH,
      KUBECONFIG: run.kubeconfig,
      PEPR_WATCH_MODE: String(run.watchMode),
      PEPR_API_PATH: run.apiPath,
      SSL_KEY_PATH: run.tls.keyFile,
      SSL_CERT_PATH: run.tls.certFile,
      LOG_LEVEL: "info",
      ...run.env,
    },
    healthUrl: `https://localhost:${run.port ?? PORT}/healthz`,
    tls: { ca: run.tls.ca },
    timeoutMs,
    cgroup: run.cgroup,
  });
}

/** Waits until the module log contains a line (for example Cheiron's "admission view ready"). */
export async function waitForLog(proc: Proc, text: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!readFileSync(proc.logFile, "utf8").includes(text)) {
    if (Date.now() > deadline || proc.exitCode !== null)
      throw new Error(`${proc.name} never logged "${text}"\n${proc.tail(60)}`);
    await sleep(200);
  }
}

/**
 * Applies the module's Mutating- and ValidatingWebhookConfiguration from the built manifest
 * (pepr-module-cheiron.yaml, rules and namespaceSelector as `pepr build` wrote them), with the in-cluster
 * Service replaced by a URL on loopback and our certificate's CA.
 */
export async function applyWebhooks(
  kubeconfig: string,
  manifest: string,
  port: number,
  apiPath: string,
  ca: Buffer,
) {
  const docs = readFileSync(manifest, "utf8")
    .split(/^---$/m)
    .filter(d => /^kind: (Mutating|Validating)WebhookConfiguration$/m.test(d));
  if (docs.length !== 2)
    throw new Error(`expected 2 webhook configurations in ${manifest}, got ${docs.length}`);
  const objects: any[] = [];
  for (const doc of docs) {
    const r = await kubectl(kubeconfig, ["create", "--dry-run=client", "-o", "json", "-f", "-"], {
      input: doc,
    });
    objects.push(JSON.parse(r.stdout));
  }
  for (const o of objects) {
    const op = o.kind.startsWith("Mutating") ? "mutate" : "validate";
    for (const w of o.webhooks) {
      w.clientConfig = {
        url: `https://localhost:${port}/${op}/${apiPath}`,
        caBundle: ca.toString("base64"),
      };
    }
  }
  const list = { apiVersion: "v1", kind: "List", items: objects };
  await kubectl(kubeconfig, ["apply", "--server-side", "-f", "-"], { input: JSON.stringify(list) });
}
