// The apiserver's own admission histograms, read from its /metrics before and after a phase: how many creates
// the NamespaceLifecycle plugin held for more than 25 ms (its 50 ms wait for a namespace its cache has not seen
// yet) and how many calls of Cheiron's webhooks took more than 25 ms.
import type { Api } from "./scale-kube";

export interface AdmissionSlow {
  /** CREATE admissions by NamespaceLifecycle over 25 ms. */
  namespaceLifecycle: number;
  /** Calls of Cheiron's webhooks (name containing "cheiron") over 25 ms. */
  cheironWebhook: number;
}

const WEBHOOK_DURATION = "apiserver_admission_webhook_admission_duration_seconds";

/** The sum of the sample lines that start with `prefix` and that `match` accepts. */
function sumLines(text: string, prefix: string, match: (l: string) => boolean): number {
  let sum = 0;
  for (const line of text.split("\n"))
    if (line.startsWith(prefix) && match(line))
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  return sum;
}

/** Counts above `le` from the text of histogram `metric` for the lines `match` accepts. */
export function countAbove(
  text: string,
  metric: string,
  le: string,
  match: (l: string) => boolean,
) {
  const below = (l: string) => match(l) && l.includes(`le="${le}"`);
  return sumLines(text, `${metric}_count{`, match) - sumLines(text, `${metric}_bucket{`, below);
}

async function metricsText(api: Api): Promise<string> {
  const r = await api.call("GET", "/metrics", undefined);
  return typeof r.body === "string" ? r.body : "";
}

export async function readAdmissionSlow(api: Api): Promise<AdmissionSlow> {
  const text = await metricsText(api);
  return {
    namespaceLifecycle: countAbove(
      text,
      "apiserver_admission_controller_admission_duration_seconds",
      "0.025",
      l => l.includes('name="NamespaceLifecycle"') && l.includes('operation="CREATE"'),
    ),
    cheironWebhook: countAbove(text, WEBHOOK_DURATION, "0.025", l => l.includes("cheiron")),
  };
}

/**
 * Calls of Cheiron's webhooks so far (all durations), from the same histogram's `_count` lines; `type` "admit"
 * counts the mutating webhook's only, "validating" the validating one's.
 */
export async function readWebhookCalls(api: Api, type?: "admit" | "validating"): Promise<number> {
  return countWebhookCalls(await metricsText(api), type);
}

export const countWebhookCalls = (text: string, type?: "admit" | "validating") =>
  sumLines(
    text,
    `${WEBHOOK_DURATION}_count{`,
    l => l.includes("cheiron") && (type === undefined || l.includes(`type="${type}"`)),
  );

export function diffSlow(a: AdmissionSlow, b: AdmissionSlow): AdmissionSlow {
  return {
    namespaceLifecycle: b.namespaceLifecycle - a.namespaceLifecycle,
    cheironWebhook: b.cheironWebhook - a.cheironWebhook,
  };
}
