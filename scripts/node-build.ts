// Builds what a real node needs from the Go module recipes in test/node-env into a cache folder outside git, keyed
// by the hash of their go.sum files (the same way scripts/k8s-build.ts builds the control plane). A second run is
// instant. The binaries: kubelet, kube-scheduler, kube-proxy (test/node-env), containerd and its runc shim
// (containerd/), runc with seccomp (runc/, cgo, libseccomp linked statically), the CNI plugins bridge, host-local
// and loopback (cni/), crane (crane/). runc needs libseccomp's headers and static library: taken from the system
// when Debian's libseccomp-dev is installed, else fetched with `apt-get download libseccomp-dev` and unpacked
// (`dpkg -x`) into the cache folder; gcc, pkg-config and libc6-dev are installed with apt-get when missing (as root),
// and so is iptables (kube-proxy's iptables mode).
//   CHEIRON_NODE_CACHE  overrides the cache root (default ~/.cache/cheiron/node)
// Prints the bin folder as its last line. Run with `npm run node:build` (tsx).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import {
  buildGoTools,
  goCacheBinDir,
  GoTarget,
  K8S_VERSION,
  requiredGoModVersion,
  versionFlags,
} from "./k8s-build";

const TAG = "node:build";
const envDir = resolve(__dirname, "../test/node-env");
const sub = (name: string) => join(envDir, name);
const recipes = [envDir, sub("containerd"), sub("runc"), sub("cni"), sub("crane")];

const cacheRoot = () =>
  process.env.CHEIRON_NODE_CACHE || join(homedir(), ".cache", "cheiron", "node");

export function nodeBinDir(): string {
  return goCacheBinDir(recipes, cacheRoot(), K8S_VERSION);
}

const version = (dir: string, mod: string) => requiredGoModVersion(TAG, dir, mod);

function sh(cmd: string, args: string[], cwd: string): boolean {
  const r = spawnSync(cmd, args, { cwd, stdio: "inherit" });
  return !r.error && r.status === 0;
}

/** The folder holding libseccomp.a (its pkgconfig/ beside it), or undefined. */
function findStaticLib(root: string): string | undefined {
  if (!existsSync(root)) return undefined;
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name === "libseccomp.a") return e.parentPath;
  }
  return undefined;
}

/**
 * The environment for `go build` of runc with seccomp: pkg-config pointed at a libseccomp-dev, the system's when
 * installed, else one unpacked from Debian's package into the cache.
 */
/**
 * Installs Debian's packages `pkgs` with apt-get (as root; otherwise the error says what to install), reading the
 * package lists once more when a fresh image has none. `why` says who needs them.
 */
function ensureDebs(why: string, pkgs: string[]) {
  if (pkgs.length === 0) return;
  const hint = `${why} and needs ${pkgs.join(", ")}: install ${pkgs.length > 1 ? "them" : "it"} (apt-get install ${pkgs.join(" ")}) and run again`;
  if (process.getuid?.() !== 0) throw new Error(`[${TAG}] ${hint}`);
  console.log(`[${TAG}] apt-get install -y ${pkgs.join(" ")}`);
  const install = () =>
    sh("apt-get", ["install", "-y", "--no-install-recommends", ...pkgs], cacheRoot());
  if (!install() && !(sh("apt-get", ["update"], cacheRoot()) && install()))
    throw new Error(`[${TAG}] ${hint}`);
}

const onPath = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

/** The C toolchain cgo needs for runc (gcc, the static libc of libc6-dev, pkg-config): a fresh Debian image may lack them. */
function ensureCgoTools() {
  const libc = [
    "/usr/lib/x86_64-linux-gnu/libc.a",
    "/usr/lib/aarch64-linux-gnu/libc.a",
    "/usr/lib/libc.a",
  ];
  ensureDebs("runc is built with cgo (seccomp)", [
    ...["gcc", "pkg-config"].filter(cmd => !onPath(cmd)),
    ...(libc.some(f => existsSync(f)) ? [] : ["libc6-dev"]),
  ]);
}

function seccompEnv(): NodeJS.ProcessEnv {
  ensureCgoTools();
  const env: NodeJS.ProcessEnv = { CGO_ENABLED: "1" };
  const sys = spawnSync("pkg-config", ["--variable=libdir", "libseccomp"], { encoding: "utf8" });
  if (sys.status === 0 && existsSync(join(sys.stdout.trim(), "libseccomp.a"))) return env;
  const root = join(cacheRoot(), "libseccomp-dev");
  let lib = findStaticLib(root);
  if (!lib) {
    console.log(`[${TAG}] libseccomp-dev: apt-get download + dpkg -x into ${root}`);
    const tmp = mkdtempSync(join(dirname(root), ".libseccomp-"));
    chmodSync(tmp, 0o755); // apt-get download writes as the user _apt where it can

    const get = () => sh("apt-get", ["download", "libseccomp-dev"], tmp);
    // A fresh Debian image has no package lists yet: read them once and try again.
    if (!get() && !(sh("apt-get", ["update"], tmp) && get())) {
      throw new Error(
        `[${TAG}] cannot fetch Debian's libseccomp-dev (runc needs it for seccomp): install it (apt-get install libseccomp-dev) and run again`,
      );
    }
    const deb = readdirSync(tmp).find(f => f.endsWith(".deb"));
    if (!deb || !sh("dpkg", ["-x", deb, root], tmp)) {
      throw new Error(`[${TAG}] cannot unpack ${deb ?? "libseccomp-dev's package"} into ${root}`);
    }
    rmSync(tmp, { recursive: true, force: true });
    lib = findStaticLib(root);
    if (!lib) throw new Error(`[${TAG}] ${root} holds no libseccomp.a`);
  }
  return { ...env, PKG_CONFIG_PATH: join(lib, "pkgconfig"), PKG_CONFIG_SYSROOT_DIR: root };
}

export function buildNode(): string {
  const bin = nodeBinDir();
  mkdirSync(bin, { recursive: true });
  const k8s: GoTarget[] = [
    ["kubelet", "k8s.io/kubernetes/cmd/kubelet", versionFlags],
    ["kube-scheduler", "k8s.io/kubernetes/cmd/kube-scheduler", versionFlags],
    ["kube-proxy", "k8s.io/kubernetes/cmd/kube-proxy", versionFlags],
  ];
  buildGoTools(TAG, envDir, bin, k8s);

  const ctrd = "github.com/containerd/containerd/v2";
  const ctrdFlags = `-X ${ctrd}/version.Version=${version(sub("containerd"), ctrd)}`;
  buildGoTools(TAG, sub("containerd"), bin, [
    ["containerd", `${ctrd}/cmd/containerd`, ctrdFlags],
    ["containerd-shim-runc-v2", `${ctrd}/cmd/containerd-shim-runc-v2`, ctrdFlags],
  ]);

  const runc = "github.com/opencontainers/runc";
  if (!existsSync(join(bin, "runc"))) {
    // As runc's Makefile builds its static release: seccomp, pure-Go net and user lookups, linked statically.
    const runcFlags = `-X main.version=${version(sub("runc"), runc).slice(1)} -linkmode external -extldflags -static`;
    buildGoTools(TAG, sub("runc"), bin, [["runc", runc, runcFlags]], {
      ...seccompEnv(),
      GOFLAGS: "-buildvcs=false -tags=seccomp,netgo,osusergo",
    });
  }

  const cni = "github.com/containernetworking/plugins/plugins";
  buildGoTools(TAG, sub("cni"), bin, [
    ["bridge", `${cni}/main/bridge`, ""],
    ["host-local", `${cni}/ipam/host-local`, ""],
    ["loopback", `${cni}/main/loopback`, ""],
  ]);
  buildGoTools(TAG, sub("crane"), bin, [
    ["crane", "github.com/google/go-containerregistry/cmd/crane", ""],
  ]);
  // kube-proxy's iptables mode runs iptables-save/-restore (Debian's package, nf_tables backend).
  ensureDebs(
    "kube-proxy (the node's service proxy) runs iptables",
    onPath("iptables") ? [] : ["iptables"],
  );
  return bin;
}

if (require.main === module) {
  try {
    console.log(buildNode());
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
