// The scale benchmark's pure floor (issue 26 #2): the floor with no webhook configured is what the target uses;
// the floor with the module's webhook stays as a second figure; the module's own writes call no mutating webhook.
import { buildRestoredObject, HOOK_CONFIGS } from "../../bench/scale-hooks";
import { countWebhookCalls } from "../../bench/scale-metrics";
import { problems, Run, targets } from "../../bench/scale-report";

const W = "apiserver_admission_webhook_admission_duration_seconds_count";
const metrics = [
  `${W}{name="pepr-cheiron.pepr.dev",operation="UPDATE",rejected="false",type="admit"} 5`,
  `${W}{name="pepr-cheiron.pepr.dev",operation="CREATE",rejected="false",type="admit"} 3`,
  `${W}{name="pepr-cheiron.pepr.dev",operation="CREATE",rejected="false",type="validating"} 2`,
  `${W}{name="other.example.com",operation="CREATE",rejected="false",type="admit"} 40`,
].join("\n");

describe("countWebhookCalls", () => {
  it("counts Cheiron's calls, or only its mutating (admit) or validating webhook's", () => {
    expect(countWebhookCalls(metrics)).toBe(10);
    expect(countWebhookCalls(metrics, "admit")).toBe(8);
    expect(countWebhookCalls(metrics, "validating")).toBe(2);
  });
});

describe("the webhook configurations removed for the pure floor", () => {
  it("are both of the module's, restored without the fields the server set", () => {
    expect(HOOK_CONFIGS.map(h => h.path)).toEqual([
      "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/pepr-cheiron",
      "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/pepr-cheiron",
    ]);
    const read = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "MutatingWebhookConfiguration",
      metadata: {
        name: "pepr-cheiron",
        uid: "u",
        resourceVersion: "7",
        generation: 2,
        creationTimestamp: "t",
        managedFields: [{}],
        labels: { a: "b" },
      },
      webhooks: [
        { name: "pepr-cheiron.pepr.dev", matchConditions: [{ name: "c", expression: "true" }] },
      ],
    };
    expect(buildRestoredObject(read)).toEqual({
      ...read,
      metadata: { name: "pepr-cheiron", labels: { a: "b" } },
    });
  });
});

/** A run at N = 1,000: fan-out `seconds`, floor with webhook c8 7 s / c32 5 s, pure floor c8 4 s / c32 3 s. */
const runWith = (seconds: number, extra: Record<string, unknown> = {}, fan = {}) =>
  ({
    results: [
      {
        n: 1000,
        fanOut: { converged: true, seconds, minimum: 4000, writes: { work: 4000 }, ...fan },
        floor: { c8: 7, c32: 5 },
        pureFloor: { c8: 4, c32: 3 },
        pureFloorWebhookCalls: { c8: 0, c32: 0 },
        overallPeak: { watcher: { connections: 17 } },
        ...extra,
      },
    ],
  }) as unknown as Run;

describe("the fan-out target against the pure floor", () => {
  it("judges the fan-out against the pure floor's best, and shows the ratio to the floor with the webhook", () => {
    const line = targets(runWith(4.2)).find(l => l.includes("pure floor"));
    expect(line).toBe(
      "fan-out N=1000 time <= 1.5 x pure floor (no webhook) best: 1.40 x, met (floor with the module's webhook, best: 0.84 x)",
    );
    expect(targets(runWith(6)).find(l => l.includes("pure floor"))).toContain("2.00 x, NOT met");
  });

  it("judges the median of the pairs, each pair's floor a pure one", () => {
    const pair = (ratio: number) => ({ ratio, writes: 4000, minimum: 4000 });
    const line = targets(runWith(6, { pairs: [pair(1.3), pair(1.4)] })).find(l =>
      l.includes("pure floor"),
    );
    expect(line).toContain("median of 3 pairs 1.40 x, met");
    expect(line).toContain("first pair 2.00 x");
  });

  it("a pure floor the webhook was called in is a wrong result", () => {
    expect(problems(runWith(4, { pureFloorWebhookCalls: { c8: 0, c32: 12 } }))).toEqual([
      "N=1000: the pure floor at c32 made 12 webhook calls (the webhooks were not removed)",
    ]);
  });

  it("a pair's pure floor the webhook was called in is a wrong result too", () => {
    const pair = { ratio: 1.2, writes: 4000, minimum: 4000, floorWebhookCalls: 7 };
    expect(problems(runWith(4, { pairs: [pair] }))).toEqual([
      "N=1000: the pure floor of pair 2 made 7 webhook calls (the webhooks were not removed)",
    ]);
  });

  it("0 mutating-webhook calls for the module's own writes in the fan-out is a target", () => {
    const met = targets(runWith(4, {}, { mutatingWebhookCalls: 0 }));
    expect(met).toContain("fan-out N=1000 own writes skip the mutating webhook: 0 calls, met");
    const missed = targets(runWith(4, {}, { mutatingWebhookCalls: 3000 }));
    expect(missed).toContain(
      "fan-out N=1000 own writes skip the mutating webhook: 3000 calls, NOT met",
    );
  });
});
