// The cluster state the benchmark admits against: one ServiceAccount-mode and one Pod-mode manager, each
// in its own namespace with inline entries, and the checks that each module's responses are what it means.
import { kubectl } from "../test/harness/kubectl";
import { sleep } from "../test/harness/proc";
import { decodePatch, Kind, ReviewResponse } from "./reviews";

export const NAMESPACE: Record<Kind, string> = { ServiceAccount: "bench-sa", Pod: "bench-pod" };
export const SECRETS: Record<Kind, string[]> = {
  ServiceAccount: ["ghcr-team", "internal-team"],
  Pod: ["ghcr-pods", "internal-pods"],
};

const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}`;

const manager = (name: string, mode: Kind) => {
  const [ghcr, internal] = SECRETS[mode];
  return `apiVersion: cheiron.anny.co/v1alpha1
kind: ImagePullSecretManager
metadata: {name: ${name}, namespace: ${NAMESPACE[mode]}}
spec:
  mode: ${mode}
  secrets:
    - {name: ${ghcr}, registry: ghcr.io, username: bench-user, password: bench-token-not-real}
    - {name: ${internal}, registry: "registry.example.com:5000", username: ci-robot, password: not-real}`;
};

const manifests = [
  namespace("pepr-system"),
  namespace(NAMESPACE.ServiceAccount),
  namespace(NAMESPACE.Pod),
  manager("team-registries", "ServiceAccount"),
  manager("pod-registries", "Pod"),
].join("\n---\n");

/** Creates pepr-system, the two namespaces and the two managers. */
export async function createManagers(kubeconfig: string) {
  await kubectl(kubeconfig, ["apply", "-f", "-"], { input: manifests });
}

/** Waits until the controller has created every Secret of both managers. */
export async function waitForSecrets(kubeconfig: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (const kind of ["ServiceAccount", "Pod"] as Kind[]) {
    for (;;) {
      const names = SECRETS[kind].map(n => `secret/${n}`);
      const r = await kubectl(kubeconfig, ["get", "-n", NAMESPACE[kind], ...names, "-o", "name"], {
        allowFail: true,
      });
      if (r.code === 0) break;
      if (Date.now() > deadline)
        throw new Error(`Secrets ${names} not created in ${NAMESPACE[kind]}: ${r.stderr}`);
      await sleep(500);
    }
  }
}

const referencesPath: Record<Kind, string> = {
  ServiceAccount: "/imagePullSecrets",
  Pod: "/spec/imagePullSecrets",
};

function common(r: ReviewResponse, kind: Kind, uid: string): string | undefined {
  if (r.uid !== uid) return `uid ${r.uid}, expected ${uid}`;
  if (r.allowed !== true) return `not allowed: ${JSON.stringify(r)}`;
  return undefined;
}

/** Cheiron must add exactly its manager's references, and (its afterHook) no pepr stamp. */
export function checkCheiron(kind: Kind, uid: string) {
  return (r: ReviewResponse): string | undefined => {
    const bad = common(r, kind, uid);
    if (bad) return bad;
    const ops = decodePatch(r);
    const refs = ops.find(o => o.path === referencesPath[kind] && o.op === "add");
    const names = ((refs?.value ?? []) as { name: string }[]).map(e => e.name).sort();
    if (names.join(",") !== [...SECRETS[kind]].sort().join(","))
      return `references ${JSON.stringify(names)}, expected ${JSON.stringify(SECRETS[kind])}`;
    if (JSON.stringify(ops).includes(".pepr.dev")) return "the pepr stamp was not stripped";
    return undefined;
  };
}

/** The no-op module must not touch imagePullSecrets (Pepr may still add its own stamp). */
export function checkNoop(kind: Kind, uid: string) {
  return (r: ReviewResponse): string | undefined =>
    common(r, kind, uid) ??
    (decodePatch(r).some(o => o.path.includes("imagePullSecrets"))
      ? "the no-op module patched imagePullSecrets"
      : undefined);
}
