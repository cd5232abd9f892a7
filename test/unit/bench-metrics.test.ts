// The benchmark reads the apiserver's admission histograms (bench/scale-metrics.ts).
import { countAbove } from "../../bench/scale-metrics";

const text = [
  "# HELP apiserver_admission_webhook_admission_duration_seconds ...",
  'apiserver_admission_webhook_admission_duration_seconds_bucket{name="pepr-cheiron.pepr.dev",le="0.005"} 2900',
  'apiserver_admission_webhook_admission_duration_seconds_bucket{name="pepr-cheiron.pepr.dev",le="0.025"} 2995',
  'apiserver_admission_webhook_admission_duration_seconds_bucket{name="pepr-cheiron.pepr.dev",le="+Inf"} 3002',
  'apiserver_admission_webhook_admission_duration_seconds_count{name="pepr-cheiron.pepr.dev"} 3002',
  'apiserver_admission_webhook_admission_duration_seconds_bucket{name="other.example.com",le="0.025"} 10',
  'apiserver_admission_webhook_admission_duration_seconds_count{name="other.example.com"} 40',
].join("\n");

describe("countAbove", () => {
  it.each<[string, string, (l: string) => boolean, number]>([
    ["one webhook, over 25 ms", "0.025", l => l.includes("cheiron"), 7],
    ["one webhook, over 5 ms", "0.005", l => l.includes("cheiron"), 102],
    ["every webhook, over 25 ms", "0.025", () => true, 37],
    ["no line matches", "0.025", l => l.includes("nothing"), 0],
  ])("%s: %i", (_, le, match, expected) => {
    expect(
      countAbove(text, "apiserver_admission_webhook_admission_duration_seconds", le, match),
    ).toBe(expected);
  });
});
