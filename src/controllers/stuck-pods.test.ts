// refreshStuckPods on a fake client and fake timers: how often one owner loses Pods when each replacement is
// stuck again, and that a Pod whose replacement would lack the names too is never deleted.
import { setApiClient } from "../k8s/client";
import type { PodView } from "../domain/stuck";
import { namespacedManager } from "../../test/unit/helpers/fixtures";
import { setStuckClient, stuckCache } from "../../test/unit/helpers/stuck";
import type { ManagerState } from "./report";
import { knownStuckPods, refreshStuckPods } from "./stuck-pods";

const MIN = 60_000;
const ghcr = { name: "ghcr", registry: "ghcr.io", username: "u", password: "p" };
const m = namespacedManager("m", "team", { secrets: [ghcr], recreateStuckPods: true });

/** The Pod its ReplicaSet made this time (`n`: a new uid each time), stuck on a pull. */
const replica = (n: number, owner: string, own?: string[]): PodView => ({
  metadata: {
    name: `web-${n}`,
    namespace: "team",
    uid: `pod-${n}`,
    ownerReferences: [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: owner, controller: true },
    ],
  },
  spec: {
    containers: [{ image: "ghcr.io/org/app:1" }],
    ...(own ? { imagePullSecrets: own.map(name => ({ name })) } : {}),
  },
  status: { containerStatuses: [{ state: { waiting: { reason: "ImagePullBackOff" } } }] },
});

let owners = 0;

/** A ReplicaSet of its own for each test (the back-off is the process's, kept across tests). */
function setup(own?: string[]) {
  const owner = `rs-${++owners}`;
  let n = 0;
  const deleted: string[] = [];
  // Each list shows the ReplicaSet's current Pod; a delete makes the controller create the next one.
  setStuckClient(
    () => [replica(n, owner, own)],
    name => {
      deleted.push(name);
      n += 1;
    },
  );
  const cache = stuckCache("team", ["ghcr"]);
  const state = {} as ManagerState;
  const check = (manager = m, s = state) => refreshStuckPods(cache, manager, s, { team: ["ghcr"] });
  return { deleted, check, state };
}

describe("refreshStuckPods", () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => {
    jest.useRealTimers();
    setApiClient(undefined);
  });

  it("never deletes one owner's Pods twice within its back-off (1, 2, 4 min), though each replacement is stuck again", async () => {
    const { deleted, check } = setup();
    const deletedAt: number[] = [];
    for (let look = 0; look < 8; look++) {
      const before = deleted.length;
      await check();
      if (deleted.length > before) deletedAt.push(look);
      jest.advanceTimersByTime(MIN); // the once-a-minute re-check of a namespace with stuck Pods
    }
    // Looks a minute apart: deletes at 0, then 1 min later, 2 min after that, 4 min after that.
    expect(deletedAt).toEqual([0, 1, 3, 7]);
    expect(deleted).toEqual(["web-0", "web-1", "web-2", "web-3"]);
  });

  it("two managers looking at once delete one owner's Pods once", async () => {
    const { deleted, check } = setup();
    const other = namespacedManager("other", "team", { secrets: [ghcr], recreateStuckPods: true });
    await Promise.all([check(), check(other, {} as ManagerState)]);
    expect(deleted).toEqual(["web-0"]);
  });

  it("never deletes a Pod whose template lists its own imagePullSecrets (mode ServiceAccount), and says why", async () => {
    const { deleted, check, state } = setup(["regcred"]);
    for (let look = 0; look < 3; look++) {
      await check();
      jest.advanceTimersByTime(MIN);
    }
    expect(deleted).toEqual([]);
    expect(knownStuckPods(state)).toEqual({
      stuckPods: 1,
      stuckPodNames: ["team/web-0"],
      stuckPodReasons: [
        {
          pod: "team/web-0",
          reason: expect.stringMatching(/^the Pod sets its own imagePullSecrets \(regcred\)/),
        },
      ],
    });
  });
});
