// The controller's stuck-Pod and credential-check wiring on the in-memory cluster, with fake timers: after a
// manager's flush it looks for stuck Pods (stuck-pods.ts) and starts due credential checks (verify.ts); a change in
// what it found, and a finished round of checks, are flushed to the status at once.
import { inlineEntry } from "../../test/unit/helpers/cluster";
import { basicObjects, startController } from "../../test/unit/helpers/controller";

const KEY = "ImagePullSecretManager/team/m";
/** The registries the (faked) credential checks contacted. */
const checked: string[] = [];
jest.mock("../k8s/registry-check", () => ({
  checkRegistryCredential: jest.fn(async (cred: { registry: string }) => {
    checked.push(cred.registry);
    return { result: "Valid", message: "ok" };
  }),
}));
/** A ReplicaSet's Pod created before the reference was attached, stuck on a pull from the manager's registry. */
const stuckPod = {
  kind: "Pod",
  metadata: {
    namespace: "team",
    name: "web",
    uid: "pod-1",
    ownerReferences: [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "rs-1", controller: true },
    ],
  },
  spec: { serviceAccountName: "default", containers: [{ image: "ghcr.io/org/app:1" }] },
  status: { containerStatuses: [{ state: { waiting: { reason: "ImagePullBackOff" } } }] },
};

beforeAll(() => (process.env.CHEIRON_MANAGE_CRDS = "false"));
afterAll(() => delete process.env.CHEIRON_MANAGE_CRDS);
beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe("Controller, stuck Pods", () => {
  it("looks for them after a flush and writes what it found to the status at once", async () => {
    const c = await startController(basicObjects({ secrets: [inlineEntry("hub")] }), f =>
      f.api.store(stuckPod),
    );
    const statusWrites = c.api.callsTo("PATCH", "/status").map(x => x.body as never);
    expect(
      statusWrites.map(b => (b as { status: { stuckPods: unknown } }).status.stuckPods),
    ).toEqual([null, 1]);
    expect(c.cache.manager(KEY)!.status?.stuckPodNames).toEqual(["team/web"]);
  });

  it("with recreateStuckPods, deletes the stuck Pod (its replacement gets the reference)", async () => {
    const spec = { secrets: [inlineEntry("hub")], recreateStuckPods: true };
    const c = await startController(basicObjects(spec), f => f.api.store(stuckPod));
    expect(c.api.callsTo("DELETE", "/pods/web").map(x => x.body)).toEqual([{ uid: "pod-1" }]);
    expect(c.api.objects.has("/api/v1/namespaces/team/pods/web")).toBe(false);
  });
});

describe("Controller, credential checks", () => {
  it("writes a finished round of checks to the status (the round queues the flush)", async () => {
    const spec = { secrets: [inlineEntry("hub")], verify: { enabled: true } };
    const c = await startController(basicObjects(spec));
    expect(checked).toEqual(["ghcr.io"]);
    expect(c.cache.manager(KEY)!.status?.credentials).toEqual([
      expect.objectContaining({ secret: "hub", result: "Valid" }),
    ]);
  });
});
