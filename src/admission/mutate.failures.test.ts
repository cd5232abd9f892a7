// Issue 22 #1 and #11: what admission adds after the controller's writes failed, from the status the controller
// really wrote (the in-memory cluster of test/unit/helpers/cluster.ts). Before: admission blocked a name on any
// WriteFailed problem, a failed update of an existing Secret included, and read them from status.problems, which
// holds 20, so past 20 namespaces where the Secret could not be created it referenced the missing Secret.
import { ApiError } from "../k8s/api-error";
import { runManager } from "../../test/unit/helpers/runs";
import {
  buildFakeCluster,
  clusterManagerObj,
  inlineEntry,
  namespaceObj,
  serviceAccountObj,
} from "../../test/unit/helpers/cluster";
import {
  admitServiceAccount,
  names,
  serviceAccount,
  world,
} from "../../test/unit/helpers/requests";

const KEY = "ClusterImagePullSecretManager//org";
const spec = (password: string) => ({
  namespaceSelector: { matchLabels: { org: "yes" } },
  secrets: [inlineEntry("hub", password)],
});

async function admitIn(cache: ReturnType<typeof buildFakeCluster>["cache"], ns: string) {
  world(cache.managers(), [...cache.namespaces.values()]);
  const sa = serviceAccount(undefined, undefined, "late");
  sa.metadata!.namespace = ns;
  return names((await admitServiceAccount(sa, "CREATE", undefined, ns)).imagePullSecrets) ?? [];
}

describe("admission after failed Secret writes", () => {
  it("does not reference a Secret whose create failed, in any of 25 namespaces (past the 20 problems listed)", async () => {
    const c = buildFakeCluster();
    const failing = Array.from({ length: 25 }, (_, i) => `f${String(i).padStart(2, "0")}`);
    for (const ns of [...failing, "ok"]) {
      c.put(namespaceObj(ns, { org: "yes" }));
      c.put(serviceAccountObj(ns));
    }
    c.put(clusterManagerObj("org", spec("pw-1")));
    c.api.fail = call =>
      call.method === "POST" && failing.some(ns => call.path === `/api/v1/namespaces/${ns}/secrets`)
        ? new ApiError("exceeded quota", 403, "Forbidden")
        : undefined;
    await runManager(c.cache, KEY, [...failing, "ok"]);
    const st = c.cache.manager(KEY)!.status!;
    expect(st.problemCount).toBe(25);
    expect(st.problems).toHaveLength(20);
    for (const ns of failing) expect([ns, await admitIn(c.cache, ns)]).toEqual([ns, []]);
    expect(await admitIn(c.cache, "ok")).toEqual(["hub"]);
  });

  it("keeps referencing a Secret that exists although its update failed", async () => {
    const c = buildFakeCluster();
    c.put(namespaceObj("ok", { org: "yes" }));
    c.put(serviceAccountObj("ok"));
    c.put(clusterManagerObj("org", spec("pw-1")));
    await runManager(c.cache, KEY, ["ok"]);
    c.put({ ...clusterManagerObj("org", spec("pw-2"), 2), status: c.cache.manager(KEY)!.status });
    c.api.fail = call =>
      call.method === "PATCH" && call.path.endsWith("/secrets/hub")
        ? new ApiError("refused", 422, "Invalid")
        : undefined;
    await runManager(c.cache, KEY, ["ok"]);
    const st = c.cache.manager(KEY)!.status!;
    expect(st.problems).toEqual([
      expect.objectContaining({ reason: "WriteFailed", secret: "hub" }),
    ]);
    expect(await admitIn(c.cache, "ok")).toEqual(["hub"]);
  });
});
