// Shared helpers of the integration suite: one control plane and one module for the whole run (see
// test/harness/global-setup.ts); every test works in namespaces of its own.
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { kubectl, kubectlJson, KubectlResult } from "../harness/kubectl";
import { AuditEvent, auditEvents, WRITE_VERBS } from "../harness/audit";
import { MODULE_USER } from "../harness/control-plane";
import { tailFile } from "../harness/proc";
import { describeUnless } from "../harness/skippable";

export const skipReason = process.env.CHEIRON_IT_SKIP;
/** describe, or describe.skip with the reason printed when the control plane could not start outside CI. */
export const describeCluster: jest.Describe = describeUnless(skipReason);

export const kubeconfig = () => process.env.CHEIRON_IT_KUBECONFIG ?? "";

export function k(
  args: string[],
  opts: { input?: string; allowFail?: boolean } = {},
): Promise<KubectlResult> {
  return kubectl(kubeconfig(), args, opts);
}

export function kJson<T = any>(args: string[]): Promise<T> {
  return kubectlJson<T>(kubeconfig(), args);
}

export const apply = (yaml: string, namespace?: string) =>
  k(["apply", ...(namespace ? ["-n", namespace] : []), "-f", "-"], { input: yaml });

export const uid = () => randomBytes(3).toString("hex");

export async function newNamespace(
  prefix: string,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
) {
  const name = `${prefix}-${uid()}`;
  await apply(
    JSON.stringify({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels, annotations },
    }),
  );
  return name;
}

/** Retries `check` (which throws, e.g. a failed expect) until it passes or the time is up; returns its value. */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 20_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, intervalMs));
    }
  }
}

export async function getOrUndefined<T = any>(args: string[]): Promise<T | undefined> {
  const r = await k([...args, "-o", "json"], { allowFail: true });
  return r.code === 0 ? (JSON.parse(r.stdout) as T) : undefined;
}

export const names = (list?: { name?: string }[]) => (list ?? []).map(r => r.name);

/** The names in a ServiceAccount's imagePullSecrets, as stored. */
export const pullsOf = async (namespace: string, sa: string) =>
  names((await kJson(["get", "sa", sa, "-n", namespace])).imagePullSecrets);

/** The Events about one manager in a namespace. */
export const managerEvents = async (namespace: string, name: string): Promise<any[]> =>
  (
    await kJson([
      "get",
      "events",
      "-n",
      namespace,
      "--field-selector",
      `involvedObject.name=${name}`,
    ])
  ).items;

export type { AuditEvent };

/** Everyone's writes recorded by the apiserver's audit log. */
export const auditWrites = (filter: (e: AuditEvent) => boolean = () => true): AuditEvent[] =>
  auditEvents({ verbs: WRITE_VERBS }).filter(filter);

/** The module's own writes recorded by the apiserver's audit log (the module runs as MODULE_USER). */
export const moduleWrites = (filter: (e: AuditEvent) => boolean = () => true) =>
  auditWrites(e => e.user?.username === MODULE_USER && filter(e));

/** Resolves once the module has written nothing in namespace `ns` (a namespaced manager's status too) for quietMs. */
export async function moduleQuietIn(ns: string, quietMs = 1500, timeoutMs = 20_000) {
  await eventually(
    async () => {
      const at = moduleWrites(e => e.objectRef?.namespace === ns).map(e =>
        Date.parse(e.stageTimestamp),
      );
      expect(Date.now() - Math.max(0, ...at)).toBeGreaterThanOrEqual(quietMs);
    },
    timeoutMs,
    250,
  );
}

export const moduleLog = () => readFileSync(process.env.CHEIRON_IT_MODULE_LOG ?? "", "utf8");
export const moduleLogTail = (lines = 60) =>
  tailFile(process.env.CHEIRON_IT_MODULE_LOG ?? "", lines);

export function manager(
  kind: "ImagePullSecretManager" | "ClusterImagePullSecretManager",
  name: string,
  spec: object,
  namespace?: string,
) {
  return JSON.stringify({
    apiVersion: "cheiron.anny.co/v1alpha1",
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec,
  });
}

/** A ServiceAccount manifest with the user's own imagePullSecrets. */
export const serviceAccount = (name: string, pulls: string[]) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name },
    imagePullSecrets: pulls.map(n => ({ name: n })),
  });

export const inline = (name: string, registry = "ghcr.io", password = `pw-${uid()}`) => ({
  name,
  registry,
  username: "cheiron-test",
  password,
  email: "test@example.com",
});

export const decodeDockerConfig = (secret: { data?: Record<string, string> }) =>
  JSON.parse(Buffer.from(secret.data?.[".dockerconfigjson"] ?? "", "base64").toString("utf8"));

/** A user's own image pull Secret (not Cheiron's), made with kubectl. */
export const createPullSecret = (
  namespace: string,
  name: string,
  server = "registry.example.com",
  password = "s3cret",
) =>
  k([
    "create",
    "secret",
    "docker-registry",
    name,
    "-n",
    namespace,
    `--docker-server=${server}`,
    "--docker-username=u",
    `--docker-password=${password}`,
  ]);

export async function status(kind: "ipsm" | "cipsm", name: string, namespace?: string) {
  const obj = await kJson(["get", kind, name, ...(namespace ? ["-n", namespace] : [])]);
  return obj.status ?? {};
}

/** Waits until `kubectl get <args>` finds nothing. */
export async function waitGone(args: string[], timeoutMs = 30_000) {
  await eventually(async () => {
    const r = await k(["get", ...args, "--ignore-not-found", "-o", "name"]);
    if (r.stdout.trim() !== "") throw new Error(`still there: ${r.stdout}`);
  }, timeoutMs);
}

/**
 * A ValidatingAdmissionPolicy (and its binding) `name` that refuses `operation` on Secrets in namespace `ns`
 * wherever `allow` (a CEL expression) is false: how tests make the apiserver refuse Cheiron's writes.
 */
export async function applyDenyPolicy(opts: {
  name: string;
  ns: string;
  operation: "CREATE" | "UPDATE";
  allow: string;
  message?: string;
}): Promise<void> {
  const { name, ns, operation, allow, message = "refused for the test" } = opts;
  await apply(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: ${name}}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: ["v1"], operations: ["${operation}"], resources: ["secrets"]}]
  validations: [{expression: ${JSON.stringify(allow)}, message: ${JSON.stringify(message)}}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: ${name}}
spec:
  policyName: ${name}
  validationActions: [Deny]
  matchResources: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${ns}}}}
`);
}
