// Shared by api.invalid.test.ts and api.webhook.test.ts: a refused manifest and where the refusal came from.
import { eventually, k, manager, moduleLog } from "./helpers";

export type Kind = "ImagePullSecretManager" | "ClusterImagePullSecretManager";
export interface Manifest {
  kind: Kind;
  spec: unknown;
}

export const ipsm = (spec: unknown): Manifest => ({ kind: "ImagePullSecretManager", spec });
export const cipsm = (spec: unknown): Manifest => ({ kind: "ClusterImagePullSecretManager", spec });

/** A complete, valid inline entry, to be spoiled one field at a time. */
export const ok = (name = "ok") => ({
  name,
  registry: "ghcr.io",
  username: "u",
  password: "p",
});
export const ref = (name: string, namespace?: string) => ({
  existingSecretRef: { name, ...(namespace !== undefined ? { namespace } : {}) },
});

/** What the apiserver prints when the module's Validate handler (Pepr) denies. */
export const WEBHOOK_DENIED = /admission webhook "[^"]*pepr[^"]*" denied the request: /;

let counter = 0;

/**
 * Waits until the module's Validate handler answers: a server-side dry run of a manifest only it refuses is
 * denied. `pepr dev` rebuilds and restarts the module whenever a source file of the repository changes, and
 * deletes the webhook configurations meanwhile; the webhooks' failurePolicy is Ignore, so for those seconds the
 * apiserver admits everything. Tests that need the webhook call this right before their request.
 */
export async function webhookServing(timeoutMs = 60_000): Promise<void> {
  const canary = manager("ClusterImagePullSecretManager", "webhook-canary", {
    secrets: [{ ...ok(), registry: "ftp://canary" }],
  });
  await eventually(
    async () => {
      const r = await k(["create", "--dry-run=server", "-f", "-"], {
        input: canary,
        allowFail: true,
      });
      if (r.code === 0 || !WEBHOOK_DENIED.test(r.stderr)) {
        const hooks = await k(["get", "validatingwebhookconfigurations", "-o", "name"]);
        const starts = moduleLog().match(/Running module/g)?.length ?? 0;
        throw new Error(
          `the module's Validate handler is not answering (${r.stdout.trim()}${r.stderr.trim()}); ` +
            `validating webhook configurations: [${hooks.stdout.trim()}]; pepr dev started the module ${starts} time(s)`,
        );
      }
    },
    timeoutMs,
    500,
  );
}

/**
 * `kubectl apply` of the manifest (namespaced kinds into `ns`): asserts a non-zero exit, returns stderr, and
 * checks that nothing was created.
 */
export async function refuse(m: Manifest, ns: string): Promise<string> {
  const name = `refused-${process.pid}-${++counter}`;
  const namespaced = m.kind === "ImagePullSecretManager";
  const r = await k(["apply", ...(namespaced ? ["-n", ns] : []), "-f", "-"], {
    input: manager(m.kind, name, m.spec as object),
    allowFail: true,
  });
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: "" });
  const resource = namespaced ? ["ipsm", "-n", ns] : ["cipsm"];
  const left = await k(["get", ...resource, name, "--ignore-not-found", "-o", "name"]);
  expect(left.stdout).toBe("");
  return r.stderr;
}
