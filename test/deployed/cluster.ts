// The as-deployed setup: a control plane whose apiserver routes Service webhooks through EndpointSlices
// (--enable-aggregator-routing), the output of `pepr build` applied from its manifest (Namespace, ServiceAccount,
// ClusterRole and binding, Role and binding, Services, both webhook configurations, unchanged: clientConfig.service
// and the manifest's caBundle), an EndpointSlice that points the Service at the admission process, and the two
// Deployments' processes (test/deployed/pod.ts), each with a TokenRequest token of pepr-system/pepr-cheiron bound
// to a Pod object made from its Deployment's template. The module never gets an admin identity.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { buildModule } from "../harness/built-module";
import { ControlPlane, startControlPlane, stopControlPlane } from "../harness/control-plane";
import { kubectl } from "../harness/kubectl";
import { snapshotModule } from "../harness/module";
import { freePort } from "../harness/proc";
import { PodProc, startPod } from "./pod";

export const NS = "pepr-system";
export const SA = "pepr-cheiron";
export const SA_USER = `system:serviceaccount:${NS}:${SA}`;
/** The address the admission "Pod" has, added to `lo` when the test runs in a private network namespace. */
const POD_IP = "10.96.99.1";

export type K8sObject = {
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: any;
};

export interface Deployed {
  cp: ControlPlane;
  objects: K8sObject[];
  ports: { admission: number; watcher: number };
  /** Credentials of the setup: the API path, a line of the TLS key, then every ServiceAccount token handed out. */
  tokens: string[];
}

export const admin = (cp: ControlPlane, args: string[], input?: string) =>
  kubectl(cp.kubeconfig, args, { input });

export const find = (objects: K8sObject[], kind: string, name: string) => {
  const o = objects.find(x => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`the manifest has no ${kind} ${name}`);
  return o;
};

/** An address of this machine the apiserver can dial and an EndpointSlice may hold (no loopback). */
function podIp(): string {
  const own = Object.values(networkInterfaces())
    .flat()
    .find(a => a && a.family === "IPv4" && !a.internal);
  if (own) return own.address;
  // Only `lo` (as under `unshare -n`): give it the Pod's address (needs root in that namespace).
  execFileSync("ip", ["addr", "replace", `${POD_IP}/32`, "dev", "lo"]);
  return POD_IP;
}

export async function setUp(bin: string): Promise<Deployed> {
  const cp = await startControlPlane(bin, {
    apiserverArgs: ["--enable-aggregator-routing=true"],
    auditUsers: [SA_USER],
  });
  try {
    return await install(cp);
  } catch (e) {
    await stopControlPlane(cp, true);
    throw e;
  }
}

/**
 * The mutating webhook as `npx pepr deploy` applies it: without the condition `npm run build` adds for the
 * module's own updates, so that the watcher adds it at start with its ServiceAccount's own RBAC
 * (src/k8s/own-writes.ts) and the run uses (and proves) that rule.
 */
function asPeprDeployApplies(o: K8sObject): K8sObject {
  if (o.kind !== "MutatingWebhookConfiguration") return o;
  const webhooks = (o.webhooks as Record<string, unknown>[]).map(w =>
    Object.fromEntries(Object.entries(w).filter(([key]) => key !== "matchConditions")),
  );
  return { ...o, webhooks };
}

/** Builds the module, applies its manifest's objects and points the Service at the admission port. */
async function install(cp: ControlPlane): Promise<Deployed> {
  const out = join(cp.dir, "dist");
  await buildModule(snapshotModule(cp.dir), out, join(cp.dir, "pepr-build.log"));
  const manifest = join(out, "pepr-module-cheiron.yaml");
  const list = await kubectl(cp.kubeconfig, [
    "create",
    "--dry-run=client",
    "-o",
    "json",
    "-f",
    manifest,
  ]);
  // One pretty-printed object per document: each starts with "{" in column 0.
  const objects = list.stdout.split(/\n(?=\{)/).map(o => JSON.parse(o) as K8sObject);
  const applied = [
    "Namespace",
    "ServiceAccount",
    "ClusterRole",
    "ClusterRoleBinding",
    "Role",
    "RoleBinding",
  ];
  const later = ["Service", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];
  for (const kinds of [applied, later]) {
    const items = objects.filter(o => kinds.includes(o.kind)).map(asPeprDeployApplies);
    await admin(
      cp,
      ["apply", "--server-side", "-f", "-"],
      JSON.stringify({ apiVersion: "v1", kind: "List", items }),
    );
  }
  const ports = { admission: await freePort(), watcher: await freePort() };
  const slice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: `${SA}-admission`,
      namespace: NS,
      labels: { "kubernetes.io/service-name": SA },
    },
    addressType: "IPv4",
    endpoints: [{ addresses: [podIp()], conditions: { ready: true } }],
    ports: [{ port: ports.admission, protocol: "TCP" }],
  };
  await admin(cp, ["apply", "--server-side", "-f", "-"], JSON.stringify(slice));
  // Secrets of the manifest the module must never log: its admission endpoint's API path and its TLS key.
  const secret = (name: string, key: string) =>
    Buffer.from(find(objects, "Secret", name).data[key], "base64").toString("utf8");
  const keyLine = secret("pepr-cheiron-tls", "tls.key").split("\n")[1];
  return { cp, objects, ports, tokens: [secret("pepr-cheiron-api-path", "value"), keyLine] };
}

const secretData = (d: Deployed, name: string) =>
  find(d.objects, "Secret", name).data as Record<string, string>;

/** Starts the process of one Deployment ("pepr-cheiron" or "pepr-cheiron-watcher") as a Pod named `pod`. */
export async function startDeployment(
  d: Deployed,
  deployment: string,
  pod: string,
  logLevel: string,
  extraEnv: Record<string, string> = {},
) {
  const template = find(d.objects, "Deployment", deployment).spec.template;
  const podObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { ...template.metadata, name: pod, namespace: NS },
    spec: template.spec,
  };
  await admin(d.cp, ["create", "-f", "-"], JSON.stringify(podObject));
  const token = (
    await admin(d.cp, [
      "create",
      "token",
      SA,
      "-n",
      NS,
      "--bound-object-kind=Pod",
      `--bound-object-name=${pod}`,
      "--duration=2h",
    ])
  ).stdout.trim();
  d.tokens.push(token);
  const container = template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) env[e.name] = e.value;
  const files: Record<string, string | Buffer> = {
    "/var/run/secrets/kubernetes.io/serviceaccount/token": token,
    "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt": readFileSync(d.cp.caFile),
    "/var/run/secrets/kubernetes.io/serviceaccount/namespace": NS,
  };
  // The Deployment's Secret volumes, mounted where its volumeMounts say.
  for (const m of container.volumeMounts ?? []) {
    const volume = template.spec.volumes.find((v: any) => v.name === m.name);
    for (const [key, value] of Object.entries(secretData(d, volume.secret.secretName)))
      files[`${m.mountPath}/${key}`] = Buffer.from(value, "base64");
  }
  const server = new URL(d.cp.server);
  const watcher = env.PEPR_WATCH_MODE === "true";
  return startPod(d.cp.dir, {
    name: pod,
    args: container.args,
    env: {
      ...env,
      LOG_LEVEL: logLevel,
      ...extraEnv,
      KUBERNETES_SERVICE_HOST: server.hostname,
      KUBERNETES_SERVICE_PORT: server.port,
    },
    files,
    port: watcher ? d.ports.watcher : d.ports.admission,
  }) as Promise<PodProc>;
}
