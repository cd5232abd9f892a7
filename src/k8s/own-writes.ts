// At its start the watcher makes sure its own ServiceAccount patches skip the module's mutating webhook
// (src/domain/own-writes.ts): it asks the apiserver who it is (a SelfSubjectReview, which every authenticated
// user may create), reads the MutatingWebhookConfiguration pepr-<uuid> by name and, when a webhook lacks the
// condition for that identity (`npx pepr deploy` and `pepr dev` generate the configuration without it), server-side
// applies it (fieldManager=cheiron, force). RBAC: get and patch on that one name (package.json pepr.rbac).
// Nothing depends on it but cost: a failure is logged once, counted in metrics, and the module runs on.
import { Log } from "pepr";
import { MODULE_OBJECT_NAME } from "../constants";
import { planOwnWritesApply, WebhookConfiguration } from "../domain/own-writes";
import { metrics } from "../metrics";
import { ApiClient, apiClient } from "./client";
import { describeError, isNotFound } from "./errors";

const HOOKS = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";
const REVIEWS = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
const APPLY = "application/apply-patch+yaml"; // JSON is YAML: the body is sent as JSON

export type OwnWritesOutcome = "applied" | "unchanged" | "no-webhook";

/** The username the apiserver sees for this process's client. */
export async function whoAmI(client: ApiClient): Promise<string> {
  const review = await client.create<{ status?: { userInfo?: { username?: string } } }>(REVIEWS, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "SelfSubjectReview",
  });
  const username = review.status?.userInfo?.username;
  if (!username) throw new Error("the SelfSubjectReview named no user");
  return username;
}

/** Adds the own-writes condition to the module's mutating webhooks where it is missing; resolves with what it did. */
export async function reconcileOwnWritesWebhook(
  client: ApiClient,
  name = MODULE_OBJECT_NAME,
): Promise<{ outcome: OwnWritesOutcome; username: string }> {
  const username = await whoAmI(client);
  let config: WebhookConfiguration;
  try {
    config = await client.get<WebhookConfiguration>(`${HOOKS}/${name}`);
  } catch (e) {
    if (isNotFound(e)) return { outcome: "no-webhook", username };
    throw e;
  }
  const body = planOwnWritesApply(config, username);
  if (!body) return { outcome: "unchanged", username };
  await client.request("PATCH", `${HOOKS}/${name}`, {
    body,
    contentType: APPLY,
    query: { force: true },
  });
  return { outcome: "applied", username };
}

/** The start-up log line for each outcome: "no-webhook" must not claim a skip that is not there. */
export const OWN_WRITES_MESSAGES: Record<OwnWritesOutcome, string> = {
  applied: "Cheiron webhook now skips Cheiron's own ServiceAccount updates",
  unchanged: "Cheiron webhook already skips Cheiron's own ServiceAccount updates",
  "no-webhook": "Cheiron found no webhook configuration to exclude its own updates from",
};

/** What the watcher runs at its start, before its first write: never throws, logs its result once. */
export async function ensureOwnWritesSkipAtStart(client?: ApiClient): Promise<boolean> {
  try {
    const { outcome, username } = await reconcileOwnWritesWebhook(client ?? apiClient());
    Log.info({ webhook: MODULE_OBJECT_NAME, username, outcome }, OWN_WRITES_MESSAGES[outcome]);
    return outcome !== "no-webhook";
  } catch (e) {
    metrics.ownWritesSkipFailed();
    Log.warn(
      { webhook: MODULE_OBJECT_NAME, error: describeError(e) },
      "Cheiron could not exclude its own updates from its webhook; they will call it (cost only, restart the watcher to retry)",
    );
    return false;
  }
}
