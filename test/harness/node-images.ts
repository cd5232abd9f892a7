// The node tests' images, made here with no internet: the programs of test/node-env/images (pause, app) built
// static (CGO_ENABLED=0), each packed as a one-layer OCI image with crane (`crane append` of a tarball,
// `crane mutate --entrypoint ... --set-platform linux/amd64`) and pushed, then copied registry to registry.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const programs = resolve(__dirname, "../node-env/images");

export interface ImageRegistry {
  host: string;
  caFile: string;
  /** Credentials to push with (none for an open registry). */
  user?: string;
  password?: string;
}

function run(cmd: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...o });
  if (r.error || r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(" ")} failed: ${r.error?.message ?? ""}${r.stderr}${r.stdout}`,
    );
  return r.stdout.trim();
}

/**
 * A crane for these registries: a docker config with their credentials and a CA bundle of their certificates,
 * in `dir`. Returns `crane(args)`.
 */
export function craneFor(binDir: string, dir: string, registries: ImageRegistry[]) {
  const config = join(dir, "crane-docker");
  mkdirSync(config, { recursive: true });
  const auths = Object.fromEntries(
    registries
      .filter(r => r.user)
      .map(r => [r.host, { auth: Buffer.from(`${r.user}:${r.password}`).toString("base64") }]),
  );
  writeFileSync(join(config, "config.json"), JSON.stringify({ auths }), { mode: 0o600 });
  const bundle = join(dir, "crane-ca.pem");
  writeFileSync(bundle, registries.map(r => readFileSync(r.caFile, "utf8")).join("\n"));
  const env = { ...process.env, DOCKER_CONFIG: config, SSL_CERT_FILE: bundle };
  return (args: string[]) => run(join(binDir, "crane"), args, { env });
}

/** Builds test/node-env/images/<name> into <dir>/rootfs-<name>/<name> and packs it as a layer tarball. */
function layer(dir: string, name: string): string {
  const root = join(dir, `rootfs-${name}`);
  mkdirSync(root, { recursive: true });
  run("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", join(root, name), `./${name}`], {
    cwd: programs,
    env: {
      ...process.env,
      CGO_ENABLED: "0",
      GOOS: "linux",
      GOTOOLCHAIN: "local",
      GOFLAGS: "-buildvcs=false",
    },
  });
  const tar = join(dir, `${name}.tar`);
  run("tar", ["--owner=0", "--group=0", "--numeric-owner", "-C", root, "-cf", tar, name]);
  return tar;
}

/** Packs program `name` as an image and pushes it to `ref`; returns `ref`. */
export function pushProgramImage(
  crane: (args: string[]) => string,
  dir: string,
  name: "pause" | "app",
  ref: string,
): string {
  crane(["append", "--oci-empty-base", "-f", layer(dir, name), "-t", ref]);
  crane(["mutate", ref, "--entrypoint", `/${name}`, "--set-platform", "linux/amd64", "-t", ref]);
  return ref;
}

/** A Deployment of one replica of `image` (the app's entrypoint prints a line and sleeps), pulled each time. */
export const appDeployment = (namespace: string, name: string, image: string) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: "app", image, imagePullPolicy: "Always" }],
      },
    },
  },
});
