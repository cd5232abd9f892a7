// Builds the stock helm CLI from the Go module recipe in test/helm-env into a cache folder outside git, keyed by
// the hash of go.sum (the same way scripts/k8s-build.ts builds the control plane). A second run is instant.
//   CHEIRON_HELM_CACHE  overrides the cache root (default ~/.cache/cheiron/helm)
// Prints the path of the helm binary as its last line. Run with `npm run helm:build` (tsx).
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { buildGoTools, goCacheBinDir, requiredGoModVersion } from "./k8s-build";

const envDir = resolve(__dirname, "../test/helm-env");

/** The version test/helm-env/go.mod requires for a module path, e.g. "v3.22.0". */
const requiredVersion = (modulePath: string): string =>
  requiredGoModVersion("helm:build", envDir, modulePath);

export function helmPath(): string {
  const root = process.env.CHEIRON_HELM_CACHE || join(homedir(), ".cache", "cheiron", "helm");
  return join(goCacheBinDir(envDir, root, requiredVersion("helm.sh/helm/v3")), "helm");
}

export function buildHelm(): string {
  const helm = requiredVersion("helm.sh/helm/v3");
  // As helm's Makefile does: the version it reports, and the Kubernetes version `helm template` and `helm lint`
  // assume without a cluster (that of the client-go it is built with: v0.37 -> 1.37).
  const k8sMinor = requiredVersion("k8s.io/client-go").split(".")[1];
  const v = "helm.sh/helm/v3";
  const ldflags = [
    `-X ${v}/internal/version.version=${helm}`,
    `-X ${v}/internal/version.gitTreeState=clean`,
    ...["pkg/lint/rules", "pkg/chartutil"].flatMap(p => [
      `-X ${v}/${p}.k8sVersionMajor=1`,
      `-X ${v}/${p}.k8sVersionMinor=${k8sMinor}`,
    ]),
  ].join(" ");
  const bin = join(helmPath(), "..");
  buildGoTools("helm:build", envDir, bin, [["helm", "helm.sh/helm/v3/cmd/helm", ldflags]]);
  return helmPath();
}

if (require.main === module) {
  try {
    console.log(buildHelm());
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
