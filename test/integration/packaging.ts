// Helpers of build.test.ts: what the packaging must contain, and server-side dry runs of it on the control plane.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { auditEvents } from "../harness/audit";
import { MODULE_USER } from "../harness/control-plane";
import { k, uid } from "./helpers";

export const REPO = resolve(__dirname, "../..");
export const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
export const peprVersion = JSON.parse(
  readFileSync(join(REPO, "node_modules/pepr/package.json"), "utf8"),
).version;
export const MODULE_SA = "system:serviceaccount:pepr-system:pepr-cheiron";

/** Every object the packaging must contain, as kind/name. */
export const EXPECTED = [
  "CustomResourceDefinition/clusterimagepullsecretmanagers.cheiron.anny.co",
  "CustomResourceDefinition/imagepullsecretmanagers.cheiron.anny.co",
  "Namespace/pepr-system",
  "ClusterRole/pepr-cheiron",
  "ClusterRoleBinding/pepr-cheiron",
  "ServiceAccount/pepr-cheiron",
  "Secret/pepr-cheiron-api-path",
  "Secret/pepr-cheiron-tls",
  "Secret/pepr-cheiron-module",
  "Role/pepr-cheiron-store",
  "RoleBinding/pepr-cheiron-store",
  "Deployment/pepr-cheiron",
  "Deployment/pepr-cheiron-watcher",
  "Service/pepr-cheiron",
  "Service/pepr-cheiron-watcher",
  "MutatingWebhookConfiguration/pepr-cheiron",
  "ValidatingWebhookConfiguration/pepr-cheiron",
].sort();

export type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[] };
const ruleKey = (r: Rule) => `${r.apiGroups?.join(",")}|${r.resources?.join(",")}`;
export const normalize = (rules: Rule[]) =>
  rules
    .map(r => ({ ...r, verbs: [...r.verbs].sort() }))
    .sort((a, b) => ruleKey(a).localeCompare(ruleKey(b)));

/**
 * package.json pepr.rbac plus the rules pepr's scoped mode adds for its store and its CRD (pepr rbac.ts), rules
 * for the same group and resources merged into one, as pepr does.
 */
export const expectedRules = normalize(
  Object.values(
    [
      ...pkg.pepr.rbac,
      {
        apiGroups: ["pepr.dev"],
        resources: ["peprstores"],
        verbs: ["create", "get", "patch", "watch"],
      },
      {
        apiGroups: ["apiextensions.k8s.io"],
        resources: ["customresourcedefinitions"],
        verbs: ["patch", "create"],
      },
    ].reduce((acc: Record<string, Rule>, r: Rule) => {
      const seen = acc[ruleKey(r)];
      acc[ruleKey(r)] = seen ? { ...seen, verbs: [...new Set([...seen.verbs, ...r.verbs])] } : r;
      return acc;
    }, {}),
  ),
);

const each = (verbs: string, rest: string) => verbs.split(" ").map(v => `${v} ${rest}`);
/** `kubectl auth can-i` questions, one per API call Cheiron's code makes (see docs/operations.md). */
export const NEEDED = [
  ...each("get list watch create patch delete", "secrets -A"),
  ...each("list watch patch", "serviceaccounts -A"),
  ...each("list watch", "namespaces"),
  ...each("list delete", "pods -A"),
  "create events -A",
  ...each("list watch patch", "imagepullsecretmanagers.cheiron.anny.co -A"),
  ...each("list watch patch", "clusterimagepullsecretmanagers.cheiron.anny.co"),
  "patch imagepullsecretmanagers.cheiron.anny.co --subresource=status -A",
  "patch clusterimagepullsecretmanagers.cheiron.anny.co --subresource=status",
  ...each("create get list patch watch", "peprstores.pepr.dev -n pepr-system"),
  ...each("create patch", "customresourcedefinitions.apiextensions.k8s.io"),
  // src/k8s/crds.ts: the watcher reads and applies Cheiron's two CRDs, by name.
  ...each(
    "get patch",
    "customresourcedefinitions.apiextensions.k8s.io/imagepullsecretmanagers.cheiron.anny.co",
  ),
  ...each(
    "get patch",
    "customresourcedefinitions.apiextensions.k8s.io/clusterimagepullsecretmanagers.cheiron.anny.co",
  ),
  // src/k8s/own-writes.ts: the watcher asks who it is and adds its condition to its own mutating webhook.
  "create selfsubjectreviews.authentication.k8s.io",
  ...each("get patch", "mutatingwebhookconfigurations.admissionregistration.k8s.io/pepr-cheiron"),
];
/** Calls Cheiron never makes. */
export const REFUSED = [
  "update secrets -A",
  "get configmaps -A",
  "create pods -A",
  "delete serviceaccounts -A",
  "delete imagepullsecretmanagers.cheiron.anny.co -A",
  "create clusterrolebindings",
  "update mutatingwebhookconfigurations",
  "patch mutatingwebhookconfigurations.admissionregistration.k8s.io/another-webhook",
  "get validatingwebhookconfigurations.admissionregistration.k8s.io/pepr-cheiron",
  // The CRD rule is limited to Cheiron's two names (pepr's own rule grants only create and patch on CRDs).
  "get customresourcedefinitions.apiextensions.k8s.io/peprstores.pepr.dev",
  "get customresourcedefinitions.apiextensions.k8s.io",
  "delete customresourcedefinitions.apiextensions.k8s.io/imagepullsecretmanagers.cheiron.anny.co",
];

/** Every request of the module's identity in the apiserver's audit log (reads and writes). */
const moduleCalls = () => auditEvents({ user: MODULE_USER });

/**
 * One `kubectl auth can-i` question per distinct API call the module made so far in this run (the audit log
 * records its reads and writes). Left out: non-resource URLs (discovery), and what `pepr dev` and the harness
 * do with the module's identity but the deployed module never does: webhook configurations and the pepr-system
 * Namespace (pepr dev installs them), deletes of its stores (pepr dev's cleanup when it reloads the module after
 * a source change), reads of CRDs (the harness's kubectl wait; the watcher's reads by name are in NEEDED).
 */
export function auditedModuleCalls(): string[] {
  const questions = moduleCalls()
    .filter(e => e.objectRef?.resource)
    .filter(e => e.objectRef?.apiGroup !== "admissionregistration.k8s.io")
    .filter(e => !(e.objectRef?.resource === "namespaces" && e.verb === "patch"))
    .filter(e => !(e.objectRef?.resource === "peprstores" && e.verb === "delete"))
    .filter(
      e =>
        !(e.objectRef?.resource === "customresourcedefinitions" && /get|list|watch/.test(e.verb)),
    )
    .map(e => {
      const o = e.objectRef!;
      const resource = o.apiGroup ? `${o.resource}.${o.apiGroup}` : o.resource;
      const sub = o.subresource ? ` --subresource=${o.subresource}` : "";
      return `${e.verb} ${resource}${sub} ${o.namespace ? `-n ${o.namespace}` : "-A"}`;
    });
  return [...new Set(questions)].sort();
}

export async function canI(question: string): Promise<string> {
  const r = await k(["auth", "can-i", ...question.split(" "), `--as=${MODULE_SA}`], {
    allowFail: true,
  });
  return r.stdout.trim();
}

/** The objects of YAML files (or of `input`), parsed by kubectl (which prints one JSON object after another). */
export async function parse(files: string[], input?: string): Promise<any[]> {
  const args = ["create", "--dry-run=client", "-o", "json", ...files.flatMap(f => ["-f", f])];
  const { stdout } = await k(args, { input });
  return stdout
    .split(/^\}$/m)
    .filter(s => s.trim())
    .map(s => JSON.parse(`${s}}`));
}

/**
 * Server-side apply, server dry run: resolves with the objects as the apiserver accepted them. The shared control
 * plane already holds `pepr dev`'s own webhook configurations named pepr-cheiron, so the generated ones are
 * submitted under a name of their own (a create, not a merge into those); nothing else is changed.
 */
export async function dryRunApply(objects: any[]): Promise<any[]> {
  const alias = `pepr-cheiron-dry-run-${uid()}`;
  const isHook = (o: any) => o.kind.endsWith("WebhookConfiguration");
  const rename = (o: any, name: string) => ({ ...o, metadata: { ...o.metadata, name } });
  const items = objects.map(o => (isHook(o) ? rename(o, alias) : o));
  const input = JSON.stringify({ apiVersion: "v1", kind: "List", items });
  const args = ["apply", "--server-side", "--dry-run=server", "--field-manager=cheiron-build-test"];
  const out = JSON.parse((await k([...args, "-o", "json", "-f", "-"], { input })).stdout);
  const accepted: any[] = out.kind === "List" ? out.items : [out];
  if (accepted.filter(isHook).some(o => o.metadata.name !== alias))
    throw new Error("the dry run did not create the webhook configurations under their alias");
  return accepted.map(o => (isHook(o) ? rename(o, "pepr-cheiron") : o));
}

export const byId = (items: any[]) =>
  new Map<string, any>(items.map(o => [`${o.kind}/${o.metadata.name}`, o]));
export const ids = (items: any[]) => items.map(o => `${o.kind}/${o.metadata.name}`).sort();
export const decode = (b64: string) => Buffer.from(b64, "base64");

/** An accepted object as input for a real apply: the fields the server generated removed. */
export function strip(o: any) {
  const metadata = { ...o.metadata };
  for (const f of ["uid", "resourceVersion", "creationTimestamp", "managedFields"])
    delete metadata[f];
  return { ...o, metadata };
}
