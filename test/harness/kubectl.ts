// The kubectl built with the control plane (same version as the apiserver), never one from the PATH.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { k8sBinDir } from "../../scripts/k8s-build";

export function kubectlPath(): string {
  return join(process.env.CHEIRON_K8S_BIN || k8sBinDir(), "kubectl");
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs kubectl; resolves with its output, rejects on a non-zero exit unless allowFail. */
export function kubectl(
  kubeconfig: string,
  args: string[],
  opts: { input?: string; allowFail?: boolean } = {},
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      kubectlPath(),
      args,
      {
        env: { ...process.env, KUBECONFIG: kubeconfig },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        if (code !== 0 && !opts.allowFail) {
          reject(new Error(`kubectl ${args.join(" ")} failed (${code}): ${stderr || stdout}`));
        } else resolve({ stdout, stderr, code });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export async function kubectlJson<T = unknown>(kubeconfig: string, args: string[]): Promise<T> {
  const r = await kubectl(kubeconfig, [...args, "-o", "json"]);
  return JSON.parse(r.stdout) as T;
}
