// Helpers of the admission suites: creating objects through the apiserver and proving, from the audit
// log, that the module's webhook answered. A create the apiserver let through because the webhook failed open
// says nothing about Cheiron, so it fails the test.
import { itAuditLog, matches, readAudit, webhookOutcome as outcomeOf } from "../harness/audit";
import { eventually, k } from "./helpers";

/** Cheiron's record of one entry `n`, added by the manager with id `by`. */
export const ours = (n: string, by: string) => ({
  "cheiron.anny.co/reconcile-with": n,
  "cheiron.anny.co/reconcilable": "true",
  "cheiron.anny.co/reconciled": "true",
  "cheiron.anny.co/attached-by": `${n}=${by}`,
});
export const STAMP = "cheiron.pepr.dev/cheiron";
export const sleep = (n: number) => new Promise(res => setTimeout(res, n));

export type Webhook = "mutated" | "unchanged" | "failed-open";

/** What the module's mutating webhook did to the last create of resource ns/name, per the audit log. */
export const webhookOutcome = (resource: string, ns: string, name: string): Webhook | undefined =>
  outcomeOf(
    readAudit(itAuditLog(), `"name":"${name}"`)
      .filter(e => matches(e, { verbs: ["create"], resource, namespace: ns, name }))
      .at(-1),
  );

/** Runs `kubectl create … -o json`, retrying (for at most 30 s) only while the namespace's default ServiceAccount
 * is missing: the serviceaccount controller creates it just after the namespace. */
export async function createJson(args: string[], input?: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await k(["create", ...args, "-o", "json"], { input, allowFail: true });
    if (r.code === 0) return JSON.parse(r.stdout);
    if (!/serviceaccount "default" not found/.test(r.stderr) || Date.now() > deadline) {
      throw new Error(r.stderr);
    }
    await sleep(20);
  }
}

/**
 * Creates an object named `name` and returns it with what the webhook did. A webhook that failed open is a
 * failure of the test, never a reason to try again. `create(name)` makes it and returns the API's answer.
 */
export async function createAdmitted<T = any>(
  resource: string,
  ns: string,
  name: string,
  create: (name: string) => Promise<T>,
): Promise<{ obj: T; webhook: Webhook; name: string }> {
  const obj = await create(name);
  const webhook = await eventually(async () => {
    const w = webhookOutcome(resource, ns, name);
    if (!w) throw new Error(`no audit event for the create of ${resource} ${ns}/${name}`);
    return w;
  }, 5000);
  if (webhook === "failed-open") {
    throw new Error(`the module's webhook failed open for the create of ${resource} ${ns}/${name}`);
  }
  return { obj, webhook, name };
}

export const podJson = (
  ns: string,
  name: string,
  image: string,
  extra: { annotations?: Record<string, string>; pull?: string[] } = {},
) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name,
    namespace: ns,
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
  },
  spec: {
    serviceAccountName: "default",
    containers: [{ name: "app", image }],
    ...(extra.pull ? { imagePullSecrets: extra.pull.map(n => ({ name: n })) } : {}),
  },
});

export const createPod = (pod: ReturnType<typeof podJson>) =>
  createAdmitted("pods", pod.metadata.namespace, pod.metadata.name, name =>
    createJson(["-f", "-"], JSON.stringify({ ...pod, metadata: { ...pod.metadata, name } })),
  );

export const createServiceAccount = (ns: string, name: string, extra: string[] = []) =>
  createAdmitted("serviceaccounts", ns, name, n => createJson(["sa", n, "-n", ns, ...extra]));

/** Whether every Secret in `list` exists in ns (one kubectl call). */
export async function allSecretsExist(ns: string, list: string[]) {
  const r = await k(["get", "secret", "-n", ns, ...list, "-o", "name"], { allowFail: true });
  return r.code === 0 && r.stdout.trim().split("\n").length === list.length;
}
