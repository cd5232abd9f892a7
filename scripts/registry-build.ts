// Builds the CNCF distribution registry from the Go module recipe in test/registry-env into a cache folder outside
// git, keyed by the hash of go.sum (the same way scripts/k8s-build.ts builds the control plane). A second run is
// instant.
//   CHEIRON_REGISTRY_CACHE  overrides the cache root (default ~/.cache/cheiron/registry)
// Prints the path of the registry binary as its last line. Run with `npm run registry:build` (tsx).
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { buildGoTools, goCacheBinDir, requiredGoModVersion } from "./k8s-build";

const envDir = resolve(__dirname, "../test/registry-env");
const MODULE = "github.com/distribution/distribution/v3";

/** The version of distribution test/registry-env/go.mod requires, e.g. "v3.1.2". */
const requiredVersion = (): string => requiredGoModVersion("registry:build", envDir, MODULE);

export function registryPath(): string {
  const root =
    process.env.CHEIRON_REGISTRY_CACHE || join(homedir(), ".cache", "cheiron", "registry");
  return join(goCacheBinDir(envDir, root, requiredVersion()), "registry");
}

export function buildRegistry(): string {
  // As distribution's Makefile does: the version `registry --version` reports.
  const ldflags = `-X ${MODULE}/version.version=${requiredVersion()}`;
  buildGoTools("registry:build", envDir, join(registryPath(), ".."), [
    ["registry", `${MODULE}/cmd/registry`, ldflags],
  ]);
  return registryPath();
}

if (require.main === module) {
  try {
    console.log(buildRegistry());
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
