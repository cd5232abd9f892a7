// ServiceAccount identities for module processes: a token from the TokenRequest API bound to a Secret (deleting
// the Secret invalidates the token), written to a token file that a kubeconfig points at the way the in-cluster
// config does (auth-provider tokenFile: @kubernetes/client-node and src/k8s/config.ts re-read it), so a test can
// rotate the token under a running process.
import { renameSync, writeFileSync } from "node:fs";
import { ControlPlane, writeKubeconfig } from "./control-plane";
import { kubectl } from "./kubectl";

/** A ServiceAccount bound to a ClusterRole (default cluster-admin): an identity outside system:masters. */
export async function createServiceAccountIdentity(
  cp: ControlPlane,
  namespace: string,
  name: string,
  clusterRole = "cluster-admin",
) {
  const k = (args: string[]) => kubectl(cp.kubeconfig, args);
  await k(["create", "sa", name, "-n", namespace]);
  await k([
    "create",
    "clusterrolebinding",
    `${namespace}-${name}`,
    `--clusterrole=${clusterRole}`,
    `--serviceaccount=${namespace}:${name}`,
  ]);
  return `system:serviceaccount:${namespace}:${name}`;
}

/** Creates the Secret `boundTo` in `namespace` and a token of the ServiceAccount bound to it. */
export async function boundToken(
  cp: ControlPlane,
  namespace: string,
  serviceAccount: string,
  boundTo: string,
) {
  const k = (args: string[]) => kubectl(cp.kubeconfig, args);
  await k(["create", "secret", "generic", boundTo, "-n", namespace]);
  const r = await k([
    "create",
    "token",
    serviceAccount,
    "-n",
    namespace,
    "--duration=1h",
    "--bound-object-kind=Secret",
    `--bound-object-name=${boundTo}`,
  ]);
  return r.stdout.trim();
}

/** Replaces the token file in one step (write aside, rename), as the kubelet swaps a projected token. */
export function writeTokenFile(path: string, token: string) {
  writeFileSync(`${path}.new`, token, { mode: 0o600 });
  renameSync(`${path}.new`, path);
}

/** A kubeconfig whose user reads its token from `tokenFile` (re-read when it changes). */
export function writeTokenFileKubeconfig(cp: ControlPlane, path: string, tokenFile: string) {
  const auth = `{auth-provider: {name: tokenFile, config: {tokenFile: "${tokenFile}"}}}`;
  writeKubeconfig(path, cp.server, cp.caFile, "sa", "", auth);
  return path;
}
