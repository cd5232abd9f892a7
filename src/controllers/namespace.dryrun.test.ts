// Issue 22 #4: dry-run on a manager that already wrote. Before, its recorded entries were neither desired nor
// protected, so switching it to dry-run removed its references for real while status.plan said "attach"; and
// deleting it never finished, because its (dry-run) cleanup deleted and detached nothing.
import { runManager } from "../../test/unit/helpers/runs";
import {
  buildFakeCluster,
  inlineEntry,
  namespacedManagerObj,
  namespaceObj,
  pullNames,
  serviceAccountObj,
} from "../../test/unit/helpers/cluster";

const KEY = "ImagePullSecretManager/team/m";
const hub = { kind: "Secret", metadata: { namespace: "team", name: "hub" } };

async function liveThenDryRun() {
  const c = buildFakeCluster();
  c.put(namespaceObj("team"));
  c.put(serviceAccountObj("team"));
  c.put(namespacedManagerObj("team", "m", { secrets: [inlineEntry("hub", "pw-1")] }));
  await runManager(c.cache, KEY, ["team"]);
  expect(pullNames(c.get(serviceAccountObj("team")))).toEqual(["hub"]);
  const dry = namespacedManagerObj(
    "team",
    "m",
    { dryRun: true, secrets: [inlineEntry("hub", "pw-2")] },
    2,
  );
  c.put(dry);
  return { c, dry };
}

describe("a manager switched to dry-run", () => {
  it("keeps what it wrote (references and Secrets) and reports its plan", async () => {
    const { c } = await liveThenDryRun();
    const before = c.api.calls.length;
    await runManager(c.cache, KEY, ["team"]);
    const writes = c.api.calls
      .slice(before)
      .filter(x => x.path.includes("/serviceaccounts/") || x.path.includes("/secrets/"));
    expect(writes).toEqual([]);
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual(["hub"]);
    expect(c.get(hub)).toBeDefined();
    expect(c.cache.manager(KEY)!.status?.plan).toEqual(["update Secret team/hub"]);
  });

  it("cleans up what it really wrote when it is deleted, and loses its finalizer", async () => {
    const { c, dry } = await liveThenDryRun();
    await runManager(c.cache, KEY, ["team"]);
    c.put({ ...dry, metadata: { ...dry.metadata, deletionTimestamp: "2024-01-02T00:00:00Z" } });
    const { flushed } = await runManager(c.cache, KEY, ["team"]);
    expect(c.get(hub)).toBeUndefined();
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual([]);
    expect(flushed).toBe(true);
    expect(c.get(dry)?.metadata.finalizers).toEqual([]);
  });
});
