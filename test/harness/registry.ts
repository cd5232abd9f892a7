// The CNCF distribution registry (built by scripts/registry-build.ts from test/registry-env) on 127.0.0.1 with
// TLS (a self-signed certificate for 127.0.0.1 that is its own CA: `caFile`) and htpasswd authentication
// (bcrypt, as distribution requires), storage on disk in a temp dir. stop() and start() again on the same port.
import { hashSync } from "bcryptjs";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildRegistry } from "../../scripts/registry-build";
import { LoopbackCert, makeLoopbackCert } from "./loopback-tls";
import { freePort, httpsGet, Proc, sleep, startProc, stopProc } from "./proc";

export interface TestRegistry {
  /** `127.0.0.1:<port>`: the registry as an image reference or a docker config key names it. */
  host: string;
  /** The certificate to trust (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  dir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

function writeConfig(dir: string, port: number, tls: LoopbackCert, auth: boolean): string {
  const file = join(dir, "config.yml");
  const config = [
    "version: 0.1",
    "log:",
    "  level: info",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(dir, "data")}`,
    "http:",
    `  addr: 127.0.0.1:${port}`,
    `  secret: cheiron-test-${port}`,
    "  tls:",
    `    certificate: ${tls.certFile}`,
    `    key: ${tls.keyFile}`,
    ...(auth
      ? ["auth:", "  htpasswd:", "    realm: cheiron-test", `    path: ${join(dir, "htpasswd")}`]
      : []),
    "",
  ].join("\n");
  writeFileSync(file, config);
  return file;
}

/**
 * Starts a registry whose only users are `users` (name -> password, stored bcrypt-hashed); with none, a registry
 * anyone may pull from and push to (the node tests' sandbox image).
 */
export async function startTestRegistry(users: Record<string, string>): Promise<TestRegistry> {
  const bin = buildRegistry();
  const dir = mkdtempSync(join(tmpdir(), "cheiron-registry-"));
  mkdirSync(join(dir, "data"));
  const port = await freePort();
  const tls = makeLoopbackCert(dir, "registry");
  const lines = Object.entries(users).map(([u, p]) => `${u}:${hashSync(p, 5)}`);
  writeFileSync(join(dir, "htpasswd"), lines.join("\n") + "\n");
  const auth = Object.keys(users).length > 0;
  const config = writeConfig(dir, port, tls, auth);
  const env = { ...process.env, OTEL_TRACES_EXPORTER: "none", OTEL_SDK_DISABLED: "true" };
  let proc: Proc | undefined;
  let runs = 0;
  const reg: TestRegistry = {
    host: `127.0.0.1:${port}`,
    caFile: tls.certFile,
    dir,
    async start() {
      proc = startProc(`registry-${++runs}`, bin, dir, ["serve", config], { env });
      // Ready when /v2/ asks for credentials (401), or answers (200) when it asks for none.
      for (let i = 0; ; i++) {
        const reply = await httpsGet(`https://${reg.host}/v2/`, { ca: tls.cert }).catch(
          () => undefined,
        );
        if (reply?.status === (auth ? 401 : 200)) return;
        if (proc.exitCode !== null || i >= 300)
          throw new Error(`the registry did not start\n${proc.tail()}`);
        await sleep(100);
      }
    },
    async stop() {
      if (proc) await stopProc(proc);
      proc = undefined;
    },
    async close() {
      await reg.stop();
      if (process.env.CHEIRON_KEEP_CONTROL_PLANE !== "true")
        rmSync(dir, { recursive: true, force: true });
    },
  };
  await reg.start();
  return reg;
}
