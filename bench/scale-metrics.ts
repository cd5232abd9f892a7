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

/** Counts above `le` from the text of histogram `metric` for the lines `match` accepts. */
export function countAbove(
  text: string,
  metric: string,
  le: string,
  match: (l: string) => boolean,
) {
  let count = 0;
  let below = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(metric) || !match(line)) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (line.startsWith(`${metric}_count{`)) count += value;
    else if (line.startsWith(`${metric}_bucket{`) && line.includes(`le="${le}"`)) below += value;
  }
  return count - below;
}

export async function readAdmissionSlow(api: Api): Promise<AdmissionSlow> {
  const r = await api.call("GET", "/metrics", undefined);
  const text = typeof r.body === "string" ? r.body : "";
  return {
    namespaceLifecycle: countAbove(
      text,
      "apiserver_admission_controller_admission_duration_seconds",
      "0.025",
      l => l.includes('name="NamespaceLifecycle"') && l.includes('operation="CREATE"'),
    ),
    cheironWebhook: countAbove(
      text,
      "apiserver_admission_webhook_admission_duration_seconds",
      "0.025",
      l => l.includes("cheiron"),
    ),
  };
}

/** Calls of Cheiron's webhooks so far (all durations), from the same histogram's `_count` lines. */
export async function readWebhookCalls(api: Api): Promise<number> {
  const r = await api.call("GET", "/metrics", undefined);
  const text = typeof r.body === "string" ? r.body : "";
  const metric = "apiserver_admission_webhook_admission_duration_seconds_count{";
  return text
    .split("\n")
    .filter(l => l.startsWith(metric) && l.includes("cheiron"))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

export function diffSlow(a: AdmissionSlow, b: AdmissionSlow): AdmissionSlow {
  return {
    namespaceLifecycle: b.namespaceLifecycle - a.namespaceLifecycle,
    cheironWebhook: b.cheironWebhook - a.cheironWebhook,
  };
}
