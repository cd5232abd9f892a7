// Cheiron's own writes skip Cheiron's webhook: a matchConditions entry (CEL) on every webhook of the module's
// MutatingWebhookConfiguration that is false for an UPDATE by the module's own identity, so the apiserver never
// calls admission for a patch the controller computed itself. CREATEs and everyone else's UPDATEs still go through.
import { OWN_WRITES_CONDITION } from "../constants";

export interface MatchCondition {
  name: string;
  expression: string;
}

export interface WebhookConfiguration {
  metadata?: { name?: string };
  webhooks?: { name: string; matchConditions?: MatchCondition[] }[];
}

/** A CEL single-quoted string literal. */
const celString = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** The CEL expression: true (call the webhook) unless the request is an UPDATE by `username`. */
export const buildOwnWritesExpression = (username: string) =>
  `request.operation != 'UPDATE' || request.userInfo.username != ${celString(username)}`;

export const buildOwnWritesCondition = (username: string): MatchCondition => ({
  name: OWN_WRITES_CONDITION,
  expression: buildOwnWritesExpression(username),
});

/**
 * Undefined when every webhook of `config` carries the condition for `username`; otherwise the server-side apply
 * body that sets it on every webhook (all of them: an apply that left one out would drop the condition Cheiron
 * set there before). The other conditions and fields stay with their owners.
 */
export function planOwnWritesApply(
  config: WebhookConfiguration,
  username: string,
): (WebhookConfiguration & { apiVersion: string; kind: string }) | undefined {
  const wanted = buildOwnWritesCondition(username);
  const webhooks = config.webhooks ?? [];
  const carries = (w: (typeof webhooks)[number]) =>
    (w.matchConditions ?? []).some(
      c => c.name === wanted.name && c.expression === wanted.expression,
    );
  if (webhooks.every(carries)) return undefined;
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: { name: config.metadata?.name },
    webhooks: webhooks.map(w => ({ name: w.name, matchConditions: [wanted] })),
  };
}
