// The watcher's start-up reconcile of its own webhook configuration on a fake client: who it is (SelfSubjectReview),
// a read by name, a server-side apply only when needed; a failure logged once, counted, never thrown.
import { Log } from "pepr";
import { buildOwnWritesCondition } from "../domain/own-writes";
import { metrics } from "../metrics";
import { ApiError } from "./api-error";
import type { ApiClient, RequestOptions } from "./client";
import { ensureOwnWritesSkipAtStart, reconcileOwnWritesWebhook } from "./own-writes";

const HOOK = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/pepr-cheiron";
const USER = "system:serviceaccount:pepr-system:pepr-cheiron";

function fakeClient(config: unknown, opts: { failApply?: ApiError } = {}) {
  const calls: { method: string; path: string; opts?: RequestOptions }[] = [];
  const client = {
    create: async (path: string, body: unknown) => {
      calls.push({ method: "POST", path, opts: { body } });
      return { ...(body as object), status: { userInfo: { username: USER } } };
    },
    get: async (path: string) => {
      calls.push({ method: "GET", path });
      if (!config) throw new ApiError("not found", 404, "NotFound");
      return config;
    },
    request: async (method: string, path: string, o: RequestOptions) => {
      calls.push({ method, path, opts: o });
      if (opts.failApply) throw opts.failApply;
      return o.body;
    },
  } as unknown as ApiClient;
  return { client, calls };
}

const config = (conditions?: unknown[]) => ({
  metadata: { name: "pepr-cheiron" },
  webhooks: [{ name: "pepr-cheiron.pepr.dev", matchConditions: conditions }],
});

describe("reconcileOwnWritesWebhook", () => {
  it("asks who it is, then applies the condition (server-side, forced) where it is missing", async () => {
    const { client, calls } = fakeClient(config());
    expect(await reconcileOwnWritesWebhook(client)).toEqual({ outcome: "applied", username: USER });
    expect(calls.map(c => `${c.method} ${c.path}`)).toEqual([
      "POST /apis/authentication.k8s.io/v1/selfsubjectreviews",
      `GET ${HOOK}`,
      `PATCH ${HOOK}`,
    ]);
    const apply = calls[2].opts!;
    expect(apply.contentType).toBe("application/apply-patch+yaml");
    expect(apply.query).toEqual({ force: true });
    expect(apply.body).toMatchObject({
      webhooks: [
        { name: "pepr-cheiron.pepr.dev", matchConditions: [buildOwnWritesCondition(USER)] },
      ],
    });
  });

  it("writes nothing when the condition is there (the manifest's and the chart's), or no configuration exists", async () => {
    const present = fakeClient(config([buildOwnWritesCondition(USER)]));
    expect((await reconcileOwnWritesWebhook(present.client)).outcome).toBe("unchanged");
    const missing = fakeClient(undefined);
    expect((await reconcileOwnWritesWebhook(missing.client)).outcome).toBe("no-webhook");
    for (const { calls } of [present, missing])
      expect(calls.filter(c => c.method === "PATCH")).toEqual([]);
  });
});

describe("ensureOwnWritesSkipAtStart", () => {
  it.each([
    ["applied", config(), "Cheiron webhook now skips Cheiron's own ServiceAccount updates", true],
    [
      "unchanged",
      config([buildOwnWritesCondition(USER)]),
      "Cheiron webhook already skips Cheiron's own ServiceAccount updates",
      true,
    ],
    [
      "no-webhook",
      undefined,
      "Cheiron found no webhook configuration to exclude its own updates from",
      false,
    ],
  ])("logs what it did when the outcome is %s", async (outcome, cfg, message, result) => {
    const info = jest.spyOn(Log, "info").mockImplementation(() => undefined);
    try {
      await expect(ensureOwnWritesSkipAtStart(fakeClient(cfg).client)).resolves.toBe(result);
      expect(info.mock.calls).toEqual([
        [{ webhook: "pepr-cheiron", username: USER, outcome }, message],
      ]);
    } finally {
      info.mockRestore();
    }
  });

  it("a refused apply is logged once and counted; it does not throw", async () => {
    const warn = jest.spyOn(Log, "warn").mockImplementation(() => undefined);
    const failed = jest.spyOn(metrics, "ownWritesSkipFailed");
    try {
      const refused = new ApiError("forbidden", 403, "Forbidden");
      const { client } = fakeClient(config(), { failApply: refused });
      await expect(ensureOwnWritesSkipAtStart(client)).resolves.toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatchObject({ webhook: "pepr-cheiron" });
      expect(failed).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
      failed.mockRestore();
    }
  });
});
