// Issue 22 #1: a failed write of a Secret that exists is not a reason to detach it. Before, every failed Secret
// job left the attachable names, so a 409 / 503 / 422 on the PATCH of a rotation was followed, in the same run,
// by a ServiceAccount PATCH that removed the still existing (and still valid) Secret.
import { ApiError } from "../k8s/api-error";
import { reconcileNamespace } from "./namespace";
import {
  buildFakeCluster,
  inlineEntry,
  namespacedManagerObj,
  namespaceObj,
  pullNames,
  serviceAccountObj,
} from "../../test/unit/helpers/cluster";

const KEY = "ImagePullSecretManager/team/m";

async function attachedCluster() {
  const c = buildFakeCluster();
  c.put(namespaceObj("team"));
  c.put(serviceAccountObj("team"));
  c.put(namespacedManagerObj("team", "m", { secrets: [inlineEntry("hub", "pw-1")] }));
  await reconcileNamespace(c.cache, "team");
  expect(pullNames(c.get(serviceAccountObj("team")))).toEqual(["hub"]);
  return c;
}

describe("reconcileNamespace after a failed Secret write", () => {
  it.each([
    [409, "Conflict"],
    [503, "ServiceUnavailable"],
    [422, "Invalid"],
  ])(
    "a %i on the PATCH of an existing Secret keeps its reference and reports the failure",
    async (status, reason) => {
      const c = await attachedCluster();
      c.put(namespacedManagerObj("team", "m", { secrets: [inlineEntry("hub", "pw-2")] }, 2));
      c.api.fail = call =>
        call.method === "PATCH" && call.path.endsWith("/secrets/hub")
          ? new ApiError("refused", status, reason)
          : undefined;
      const before = c.api.calls.length;
      const outcome = (await reconcileNamespace(c.cache, "team")).get(KEY)!;
      const after = c.api.calls.slice(before);
      expect(after.filter(x => x.path.includes("/serviceaccounts/"))).toEqual([]);
      expect(pullNames(c.get(serviceAccountObj("team")))).toEqual(["hub"]);
      expect(outcome.attachable).toEqual(["hub"]);
      expect(outcome.problems).toEqual([
        expect.objectContaining({ reason: "WriteFailed", secret: "hub", namespace: "team" }),
      ]);
      expect(outcome.missing).toEqual([]);
    },
  );

  it("a failed create is still not attached, and is reported as missing", async () => {
    const c = buildFakeCluster();
    c.put(namespaceObj("team"));
    c.put(serviceAccountObj("team"));
    c.put(namespacedManagerObj("team", "m", { secrets: [inlineEntry("hub")] }));
    c.api.fail = call =>
      call.method === "POST" && call.path.endsWith("/secrets")
        ? new ApiError("quota", 403, "Forbidden")
        : undefined;
    const outcome = (await reconcileNamespace(c.cache, "team")).get(KEY)!;
    expect(c.api.callsTo("PATCH", "/serviceaccounts/")).toEqual([]);
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual([]);
    expect(outcome.attachable).toEqual([]);
    expect(outcome.missing).toEqual(["hub"]);
  });

  it("a replace whose create fails after the delete detaches the name (the Secret is gone)", async () => {
    const c = await attachedCluster();
    // An owned Secret of another type must be deleted and created again (a Secret's type is immutable).
    const stored = c.get({ kind: "Secret", metadata: { namespace: "team", name: "hub" } })!;
    c.put({ ...stored, type: "kubernetes.io/dockercfg" });
    c.api.fail = call =>
      call.method === "POST" && call.path.endsWith("/secrets")
        ? new ApiError("refused", 503, "ServiceUnavailable")
        : undefined;
    const outcome = (await reconcileNamespace(c.cache, "team")).get(KEY)!;
    expect(outcome.missing).toEqual(["hub"]);
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual([]);
  });
});

describe("reconcileNamespace when a detach fails", () => {
  // Issue 22 #11: before, the delete phase ran anyway and deleted a Secret a ServiceAccount still referenced.
  it("does not delete a Secret whose detach failed in that run, and deletes it once the detach succeeds", async () => {
    const c = buildFakeCluster();
    c.put(namespaceObj("team"));
    c.put(serviceAccountObj("team"));
    c.put(namespacedManagerObj("team", "m", { secrets: [inlineEntry("hub"), inlineEntry("old")] }));
    await reconcileNamespace(c.cache, "team");
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual(["hub", "old"]);
    c.put(namespacedManagerObj("team", "m", { secrets: [inlineEntry("hub")] }, 2));
    c.api.fail = call =>
      call.method === "PATCH" && call.path.includes("/serviceaccounts/")
        ? new ApiError("unavailable", 503, "ServiceUnavailable")
        : undefined;
    const outcome = (await reconcileNamespace(c.cache, "team")).get(KEY)!;
    expect(outcome.failures).toHaveLength(1);
    expect(c.api.callsTo("DELETE", "/secrets/old")).toEqual([]);
    expect(c.get({ kind: "Secret", metadata: { namespace: "team", name: "old" } })).toBeDefined();

    c.api.fail = () => undefined;
    await reconcileNamespace(c.cache, "team");
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual(["hub"]);
    expect(c.get({ kind: "Secret", metadata: { namespace: "team", name: "old" } })).toBeUndefined();
  });
});
