// Issue 22 #10: an entry recorded for a manager the watcher's cache does not have is kept while that may be
// watch lag, and released once the owner has been unknown for the grace period (CHEIRON_UNKNOWN_OWNER_GRACE_SECONDS)
// and its Secret is absent or not Cheiron's. Before, an unknown owner's entries were never removed: a manager
// deleted while a ServiceAccount was not in the cache yet left a reference to its deleted Secret for good.
import { reconcileNamespace } from "./namespace";
import {
  buildFakeCluster,
  inlineEntry,
  namespacedManagerObj,
  namespaceObj,
  pullNames,
  serviceAccountObj,
} from "../../test/unit/helpers/cluster";

const RW = "cheiron.anny.co/reconcile-with";
const AB = "cheiron.anny.co/attached-by";
const GRACE_MS = 300_000;

function clusterWithGoneOwner() {
  const c = buildFakeCluster();
  c.put(namespaceObj("team"));
  // "hub": Secret deleted with its manager; "theirs": a user's Secret; "kept": a Secret labelled as Cheiron's.
  c.put({ kind: "Secret", metadata: { namespace: "team", name: "theirs" }, type: "Opaque" });
  c.put({
    kind: "Secret",
    metadata: {
      namespace: "team",
      name: "kept",
      labels: {
        "app.kubernetes.io/managed-by": "cheiron",
        "cheiron.anny.co/manager": "ipsm.team.gone",
      },
    },
    type: "Opaque",
  });
  const sa = serviceAccountObj("team");
  c.put({
    ...sa,
    metadata: {
      ...sa.metadata,
      annotations: {
        [RW]: "hub,theirs,kept",
        [AB]: "hub=ipsm.team.gone,theirs=ipsm.team.gone,kept=ipsm.team.gone",
        "cheiron.anny.co/reconcilable": "true",
        "cheiron.anny.co/reconciled": "true",
      },
    },
    imagePullSecrets: [{ name: "mine" }, { name: "hub" }, { name: "theirs" }, { name: "kept" }],
  });
  return c;
}

describe("entries of a manager the cache does not have", () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date("2024-01-01T00:00:00Z") }));
  afterEach(() => jest.useRealTimers());

  it("are kept during the grace period, then removed where their Secret is absent or not Cheiron's", async () => {
    const c = clusterWithGoneOwner();
    const due: string[] = [];
    c.cache.unknownOwners.onDue = ns => due.push(ns);
    const sa = () => c.get(serviceAccountObj("team"));
    await reconcileNamespace(c.cache, "team");
    jest.advanceTimersByTime(GRACE_MS - 1000);
    await reconcileNamespace(c.cache, "team");
    expect(c.api.callsTo("PATCH", "/serviceaccounts/")).toEqual([]);
    expect(pullNames(sa())).toEqual(["mine", "hub", "theirs", "kept"]);
    expect(due).toEqual([]);

    jest.advanceTimersByTime(1000);
    expect(due).toEqual(["team"]); // the controller queues the namespace again
    await reconcileNamespace(c.cache, "team");
    expect(pullNames(sa())).toEqual(["mine", "kept"]);
    expect(sa()?.metadata.annotations[AB]).toBe("kept=ipsm.team.gone");
  });

  it("an owner that arrives during the grace period stops the clock and keeps what it wants", async () => {
    const c = clusterWithGoneOwner();
    const due: string[] = [];
    c.cache.unknownOwners.onDue = ns => due.push(ns);
    await reconcileNamespace(c.cache, "team");
    expect(c.cache.unknownOwners.size).toBe(1);
    c.put(namespacedManagerObj("team", "gone", { secrets: [inlineEntry("hub")] }));
    await reconcileNamespace(c.cache, "team");
    expect(c.cache.unknownOwners.size).toBe(0);
    jest.advanceTimersByTime(GRACE_MS);
    expect(due).toEqual([]);
    // A known owner's rule from here on: what it lists stays, what it no longer lists goes.
    expect(pullNames(c.get(serviceAccountObj("team")))).toEqual(["mine", "hub"]);
  });
});
