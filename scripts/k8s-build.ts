// Builds the local control plane (etcd, kube-apiserver, kube-controller-manager, kubectl) from the Go module
// recipe in test/k8s-env into a cache folder outside git, keyed by the hash of go.sum. A second run is instant.
//   CHEIRON_K8S_CACHE  overrides the cache root (default ~/.cache/cheiron/k8s)
// Prints the bin folder as its last line. Run with `npm run k8s:build` (tsx).
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

const envDir = resolve(__dirname, "../test/k8s-env");
export const K8S_VERSION = "v1.37.2";

/**
 * `<root>/<version>-<first 16 hex of sha256(go.sum)>/bin`: a new go.sum means a new folder. A recipe made of
 * several modules passes their folders; the key then hashes their go.sum files in that order.
 */
export function goCacheBinDir(recipeDir: string | string[], root: string, version: string): string {
  const hash = createHash("sha256");
  for (const dir of typeof recipeDir === "string" ? [recipeDir] : recipeDir) {
    hash.update(readFileSync(join(dir, "go.sum")));
  }
  return join(root, `${version}-${hash.digest("hex").slice(0, 16)}`, "bin");
}

/** The version a recipe's go.mod requires for a module path, e.g. "v3.22.0". `tag` names the recipe in errors. */
export function requiredGoModVersion(tag: string, recipeDir: string, modulePath: string): string {
  const goMod = readFileSync(join(recipeDir, "go.mod"), "utf8");
  const line = goMod.split("\n").find(l => l.trim().startsWith(`${modulePath} `));
  const version = line?.trim().split(/\s+/)[1];
  if (!version) throw new Error(`[${tag}] ${recipeDir}/go.mod does not require ${modulePath}`);
  return version;
}

export function k8sBinDir(): string {
  const root = process.env.CHEIRON_K8S_CACHE || join(homedir(), ".cache", "cheiron", "k8s");
  return goCacheBinDir(envDir, root, K8S_VERSION);
}

const [major, minor] = K8S_VERSION.slice(1).split(".");
/** The -ldflags that make a Kubernetes binary report K8S_VERSION. */
export const versionFlags = [
  `-X k8s.io/component-base/version.gitVersion=${K8S_VERSION}`,
  `-X k8s.io/component-base/version.gitMajor=${major}`,
  `-X k8s.io/component-base/version.gitMinor=${minor}`,
  `-X k8s.io/component-base/version.gitTreeState=clean`,
  `-X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z`,
  `-X k8s.io/client-go/pkg/version.gitVersion=${K8S_VERSION}`,
  `-X k8s.io/client-go/pkg/version.gitMajor=${major}`,
  `-X k8s.io/client-go/pkg/version.gitMinor=${minor}`,
].join(" ");

const targets: GoTarget[] = [
  ["etcd", "go.etcd.io/etcd/server/v3", ""],
  ["kube-apiserver", "k8s.io/kubernetes/cmd/kube-apiserver", versionFlags],
  ["kube-controller-manager", "k8s.io/kubernetes/cmd/kube-controller-manager", versionFlags],
  ["kubectl", "k8s.io/kubernetes/cmd/kubectl", versionFlags],
];

/** [binary name, Go package, extra -ldflags]. */
export type GoTarget = [string, string, string];

function run(
  tag: string,
  cwd: string,
  step: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
) {
  const t0 = Date.now();
  console.log(`[${tag}] ${step} ...`);
  const env = {
    ...process.env,
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
    GOFLAGS: "-buildvcs=false",
    ...extraEnv,
  };
  const r = spawnSync("go", args, { cwd, env, stdio: "inherit" });
  if (r.error) throw new Error(`[${tag}] cannot run go (${r.error.message}): install Go >= 1.26`);
  if (r.status !== 0) throw new Error(`[${tag}] ${step} failed with exit code ${r.status}`);
  console.log(`[${tag}] ${step} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * Builds the targets of the Go module recipe in `recipeDir` into `bin` (static, -trimpath, the local
 * toolchain) unless they are there already; returns `bin`. `tag` prefixes the log lines. `env` is added to the
 * go command's environment (e.g. CGO_ENABLED=1 and build tags in GOFLAGS for a cgo target).
 */
export function buildGoTools(
  tag: string,
  recipeDir: string,
  bin: string,
  targets: GoTarget[],
  env: NodeJS.ProcessEnv = {},
) {
  const missing = targets.filter(([name]) => !existsSync(join(bin, name)));
  if (missing.length === 0) {
    console.log(`[${tag}] cached: ${bin}`);
    return bin;
  }
  const t0 = Date.now();
  mkdirSync(bin, { recursive: true });
  run(tag, recipeDir, "go version", ["version"]);
  run(tag, recipeDir, "module resolution (go mod download)", ["mod", "download"], env);
  for (const [name, pkg, ldflags] of missing) {
    const tmp = join(bin, `.${name}.tmp`);
    rmSync(tmp, { force: true });
    run(
      tag,
      recipeDir,
      `build ${name}`,
      ["build", "-trimpath", "-ldflags", `-s -w ${ldflags}`.trim(), "-o", tmp, pkg],
      env,
    );
    renameSync(tmp, join(bin, name));
  }
  writeFileSync(join(bin, "..", "built-at"), new Date().toISOString() + "\n");
  console.log(`[${tag}] done in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${bin}`);
  return bin;
}

export function buildK8s(): string {
  return buildGoTools("k8s:build", envDir, k8sBinDir(), targets);
}

if (require.main === module) {
  try {
    console.log(buildK8s());
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
