// `npm run build`: Cheiron's own updates skip its mutating webhook (issue 26, src/domain/own-writes.ts). pepr 1.1.4
// has no hook for matchConditions, so the condition is written into its output: after each webhook's
// `matchPolicy:` line of the manifest's MutatingWebhookConfiguration and of the chart's mutation-webhook template.
import { buildOwnWritesCondition } from "../src/domain/own-writes";
import { MODULE_NAMESPACE_DEFAULT } from "../src/constants";

/** The module's ServiceAccount user: named `pepr-<uuid>` in the manifest, `{{ .Values.uuid }}` in the chart. */
export const serviceAccountUser = (name: string) =>
  `system:serviceaccount:${MODULE_NAMESPACE_DEFAULT}:${name}`;

/** Inserts the own-writes matchConditions entry into every webhook of one webhook configuration's YAML text. */
export function insertOwnWritesCondition(yaml: string, username: string): string {
  const c = buildOwnWritesCondition(username);
  let webhooks = 0;
  const lines = yaml.split("\n").flatMap(l => {
    const indent = /^(\s*)matchPolicy:/.exec(l)?.[1];
    if (indent === undefined) return [l];
    webhooks++;
    return [
      l,
      `${indent}matchConditions:`,
      `${indent}  - name: ${c.name}`,
      `${indent}    expression: ${JSON.stringify(c.expression)}`,
    ];
  });
  if (webhooks === 0)
    throw new Error("[build] no webhook (matchPolicy line) to add matchConditions to");
  return lines.join("\n");
}

/** The manifest with the condition in its MutatingWebhookConfiguration `name` (the other documents untouched). */
export function addOwnWritesToManifest(manifest: string, name: string): string {
  const docs = manifest.split(/^---\n/m);
  const at = docs.findIndex(
    d =>
      /^kind: MutatingWebhookConfiguration$/m.test(d) &&
      new RegExp(`^metadata:\\n  name: ${name}$`, "m").test(d),
  );
  if (at < 0) throw new Error(`[build] no MutatingWebhookConfiguration ${name} in the manifest`);
  docs[at] = insertOwnWritesCondition(docs[at], serviceAccountUser(name));
  return docs.join("---\n");
}
