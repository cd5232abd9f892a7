// What bench:scale builds and the control plane it starts: the module's sources (copied, so the build never edits
// the tree) and the flags it adds to kube-controller-manager.
import { execSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { REPO, snapshotModule } from "../test/harness/module";

/**
 * kube-controller-manager creates each namespace's `default` ServiceAccount at its client rate limit (20
 * requests/s by default: 500 s for N = 10,000); the setup is not measured, so the bench raises it.
 */
export const CONTROLLER_MANAGER_ARGS = ["--kube-api-qps=200", "--kube-api-burst=400"];

/** The module's sources, copied (working tree, or git HEAD with BENCH_SOURCE=head) so the build never edits the tree. */
export function moduleSources(work: string): string {
  if (process.env.BENCH_SOURCE !== "head") return snapshotModule(work);
  const target = join(work, "module");
  mkdirSync(target);
  const files =
    "package.json pepr.ts tsconfig.json tsconfig.check.json .prettierrc eslint.config.mjs capabilities src";
  execSync(`git archive HEAD ${files} | tar -x -C ${target}`, { cwd: REPO });
  symlinkSync(join(REPO, "node_modules"), join(target, "node_modules"));
  return target;
}
