// The flush's write policy on the in-memory cluster: what a live manager's flush writes (status only when it
// changed, then one Event; a failure reported at every flush; dry-run: one DryRun Event per new plan, no other
// Event), and when a deleting manager loses its finalizer or says why not.
import { ApiError } from "../k8s/api-error";
import { runManager } from "../../test/unit/helpers/runs";
import {
  buildFakeCluster,
  Call,
  inlineEntry,
  namespacedManagerObj,
  namespaceObj,
  serviceAccountObj,
} from "../../test/unit/helpers/cluster";
import { flushDeleting, newManagerState } from "./report";

const KEY = "ImagePullSecretManager/team/m";
const MANAGER_PATH = "/imagepullsecretmanagers/m";

/** Status writes ("status") and Events ("Event <reason>") in the order they were made. */
const reports = (calls: Call[]) =>
  calls.flatMap(c => {
    if (c.method === "PATCH" && c.path.endsWith(`${MANAGER_PATH}/status`)) return ["status"];
    if (c.method === "POST" && c.path.endsWith("/events"))
      return [`Event ${(c.body as { reason: string }).reason}`];
    if (c.method === "PATCH" && c.path.endsWith(MANAGER_PATH)) return ["finalizer"];
    return [];
  });
const eventOf = (calls: Call[], reason: string) =>
  calls.find(c => c.path.endsWith("/events") && (c.body as { reason: string }).reason === reason)
    ?.body as { type: string; message: string } | undefined;

function cluster(spec: Record<string, unknown> = { secrets: [inlineEntry("hub")] }) {
  const c = buildFakeCluster();
  c.put(namespaceObj("team"));
  c.put(serviceAccountObj("team"));
  const m = c.put(namespacedManagerObj("team", "m", spec));
  /** Runs the namespace and the flush; returns the reports made by that run. */
  const run = async (state = newManagerState()) => {
    const before = c.api.calls.length;
    const { flushed } = await runManager(c.cache, KEY, ["team"], state);
    const calls = c.api.calls.slice(before);
    return { flushed, calls, reports: reports(calls) };
  };
  return { c, m, run };
}

describe("flushLive", () => {
  it("writes the status, then one Event, and nothing on a flush with nothing new", async () => {
    const { c, run } = cluster();
    const first = await run();
    expect(first.reports).toEqual(["status", "Event Reconciled"]);
    expect(eventOf(first.calls, "Reconciled")).toMatchObject({
      type: "Normal",
      message: expect.stringContaining("created 1, updated 0, deleted 0 Secrets"),
    });
    expect(c.cache.manager(KEY)!.status).toMatchObject({
      observedGeneration: 1,
      namespaces: 1,
      secrets: 1,
      serviceAccounts: 1,
    });
    const second = await run();
    expect(second.calls).toEqual([]);
  });

  it("reports a write that keeps failing with a Warning Event at every flush, naming it", async () => {
    const { c, run } = cluster();
    c.api.fail = call =>
      call.method === "POST" && call.path.endsWith("/secrets")
        ? new ApiError("quota exceeded", 403, "Forbidden")
        : undefined;
    const first = await run();
    expect(first.flushed).toBe(false);
    expect(first.reports).toEqual(["status", "Event ReconcileFailed"]);
    const second = await run();
    expect(second.flushed).toBe(false);
    // Nothing new in the status (no second write), but the failure is still reported.
    expect(second.reports).toEqual(["Event ReconcileFailed"]);
    expect(eventOf(second.calls, "ReconcileFailed")).toMatchObject({
      type: "Warning",
      message: expect.stringContaining("quota exceeded"),
    });
  });

  it("dry-run: writes no Secret or reference, one DryRun Event per new plan and no other Event", async () => {
    const { c, run } = cluster({ dryRun: true, secrets: [inlineEntry("hub")] });
    const first = await run();
    expect(first.calls.filter(x => /\/(secrets|serviceaccounts)(\/|$)/.test(x.path))).toEqual([]);
    expect(first.reports).toEqual(["status", "Event DryRun"]);
    expect(eventOf(first.calls, "DryRun")?.message).toBe(
      "Dry run: 2 writes planned, none made. See status.plan.",
    );
    expect(c.cache.manager(KEY)!.status?.plan).toHaveLength(2);
    const second = await run(); // the same plan: nothing to say
    expect(second.reports).toEqual([]);
    c.put(
      namespacedManagerObj(
        "team",
        "m",
        { dryRun: true, secrets: [inlineEntry("hub"), inlineEntry("quay")] },
        2,
      ),
    );
    const third = await run();
    expect(third.reports).toEqual(["status", "Event DryRun"]);
  });
});

describe("flushDeleting", () => {
  /** A manager that wrote its Secret and reference, then marked deleted (its finalizer holds it). */
  async function deleted(deletionPolicy?: string) {
    const spec = { secrets: [inlineEntry("hub")], ...(deletionPolicy ? { deletionPolicy } : {}) };
    const { c, m, run } = cluster(spec);
    await run();
    const stored = c.get(m)!;
    c.put({
      ...stored,
      metadata: { ...stored.metadata, deletionTimestamp: "2024-01-02T00:00:00Z" },
    });
    return { c, m, run };
  }

  it("keeps the finalizer while Secrets remain, and warns only from the third such check", async () => {
    const { c, m } = await deleted();
    const warned: boolean[] = [];
    for (let attempts = 0; attempts < 4; attempts++) {
      const before = c.api.calls.length;
      const s = { ...newManagerState(), cleanupAttempts: attempts };
      // The namespace was not run: its Secret and reference are still there.
      expect(await flushDeleting(c.cache, c.cache.manager(KEY)!, s)).toBe(false);
      warned.push(reports(c.api.calls.slice(before)).includes("Event CleanupFailed"));
    }
    expect(warned).toEqual([false, false, true, true]);
    expect(c.get(m)!.metadata.finalizers).toEqual(["cheiron.anny.co/finalizer"]);
  });

  it("reports a failed cleanup write at once and keeps the finalizer", async () => {
    const { c, m, run } = await deleted();
    c.api.fail = call =>
      call.method === "DELETE" ? new ApiError("etcd down", 503, "ServiceUnavailable") : undefined;
    const r = await run();
    expect(r.flushed).toBe(false);
    expect(r.reports).toEqual(["Event CleanupFailed"]);
    expect(eventOf(r.calls, "CleanupFailed")?.message).toContain("etcd down");
    expect(c.get(m)!.metadata.finalizers).toEqual(["cheiron.anny.co/finalizer"]);
  });

  it("once all is clean: a CleanedUp Event, then the finalizer is removed", async () => {
    const { c, m, run } = await deleted();
    const r = await run();
    expect(r.flushed).toBe(true);
    expect(r.reports).toEqual(["Event CleanedUp", "finalizer"]);
    expect(eventOf(r.calls, "CleanedUp")?.message).toBe(
      "Manager deleted: deleted 1 Secrets, detached 1 references.",
    );
    expect(c.get(m)!.metadata.finalizers).toEqual([]);
    expect(c.get({ kind: "Secret", metadata: { namespace: "team", name: "hub" } })).toBeUndefined();
  });

  it("deletionPolicy Orphan: the Secret stays and the finalizer goes", async () => {
    const { c, m, run } = await deleted("Orphan");
    const r = await run();
    expect(r.flushed).toBe(true);
    expect(r.reports).toEqual(["Event CleanedUp", "finalizer"]);
    expect(eventOf(r.calls, "CleanedUp")?.message).toBe(
      "Manager deleted: left 1 Secrets and their references in place (deletionPolicy Orphan).",
    );
    expect(c.get({ kind: "Secret", metadata: { namespace: "team", name: "hub" } })).toBeDefined();
    expect(c.get(m)!.metadata.finalizers).toEqual([]);
  });
});
