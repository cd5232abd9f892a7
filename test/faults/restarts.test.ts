// Fault matrix (issue 12 #2), one 500-namespace fan-out per case on one control plane, each case adding a
// cluster manager with its own Secret over the same namespaces and breaking something while it fans out:
// - kube-apiserver restarted in the middle of a 500-namespace fan-out;
// - the watcher process killed (SIGKILL) and restarted in the middle of a fan-out;
// - another writer updating the same ServiceAccounts concurrently (409 conflicts): its entries kept.
// Every case ends with expectConverged (test/faults/cluster.ts) over all the managers so far.
import { runBounded } from "../../src/controllers/bounded";
import { isConflict } from "../../src/k8s/errors";
import { restartApiserver } from "../harness/control-plane";
import { createPullSecret, eventually, k, moduleWrites, names, uid } from "../integration/helpers";
import {
  applyClusterManager,
  createNamespaces,
  describeFaults,
  Expectation,
  expectConverged,
  attached,
  FaultCluster,
  foreignVersions,
  midway,
  seedUserState,
  startFaultCluster,
} from "./cluster";

const N = 500;
const USER = ["user-x", "user-y"];

describeFaults("faults: restarts and a concurrent writer during a 500-namespace fan-out", () => {
  let c: FaultCluster;
  const run = uid();
  const namespaces = Array.from({ length: N }, (_, i) => `f-${run}-${i}`);
  const outside = `outside-${run}`;
  const managers: string[] = [];
  const secrets: string[] = [];
  let expected: Expectation;

  const addManager = async (secret: string) => {
    managers.push(secret);
    secrets.push(secret);
    await applyClusterManager(secret, run);
  };

  beforeAll(async () => {
    c = await startFaultCluster();
    await createNamespaces(c.admin, namespaces, { faults: run });
    // Foreign Secrets: one with each manager's Secret name in a namespace out of scope, and the user's own.
    await k(["create", "ns", outside]);
    for (const s of ["fleet-a", "fleet-b", "fleet-c"]) await createPullSecret(outside, s);
    await seedUserState(c.admin, namespaces.slice(0, 10), USER);
    const foreign = [
      ...["fleet-a", "fleet-b", "fleet-c"].map(s => `${outside}/${s}`),
      ...namespaces.slice(0, 10).flatMap(ns => USER.map(s => `${ns}/${s}`)),
    ];
    expected = {
      namespaces,
      secrets,
      managers,
      foreign: await foreignVersions(foreign),
      userPulls: Object.fromEntries(namespaces.slice(0, 10).map(ns => [ns, USER])),
    };
  }, 600_000);

  afterAll(async () => c?.w.stop());

  it("kube-apiserver restarted in the middle of a 500-namespace fan-out", async () => {
    await addManager("fleet-a");
    const seen = await midway(c.admin, namespaces, "fleet-a");
    await restartApiserver(c.w.cp);
    console.log(`[faults] apiserver restarted with fleet-a on ${seen}/${N}`);
    await expectConverged(c.admin, expected);
  }, 420_000);

  it("the watcher process killed (SIGKILL) and restarted in the middle of a fan-out", async () => {
    await addManager("fleet-b");
    const seen = await midway(c.admin, namespaces, "fleet-b");
    await c.w.kill();
    console.log(`[faults] watcher SIGKILLed with fleet-b on ${seen}/${N}`);
    await expectConverged(c.admin, expected);
  }, 420_000);

  it("another writer updating the same ServiceAccounts concurrently (409 conflicts): its entries kept", async () => {
    const since = new Date().toISOString();
    const stale = namespaces.slice(0, 50);
    const hammered = namespaces.slice(50, 100);
    let writerConflicts = 0;
    const path = (ns: string) => `/api/v1/namespaces/${ns}/serviceaccounts/default`;
    const withOther = (sa: any, round: number) => {
      if (!names(sa.imagePullSecrets).includes("other"))
        sa.imagePullSecrets = [...(sa.imagePullSecrets ?? []), { name: "other" }];
      sa.metadata.annotations = { ...sa.metadata.annotations, "example.com/round": String(round) };
      return sa;
    };
    // The other writer: adds its entry with an update carrying the resourceVersion it read; on 409 reads again.
    const update = async (ns: string, round: number, read?: any) => {
      for (
        let sa = read ?? (await c.admin.get<any>(path(ns)));
        ;
        sa = await c.admin.get<any>(path(ns))
      ) {
        try {
          return void (await c.admin.request("PUT", path(ns), { body: withOther(sa, round) }));
        } catch (e) {
          if (!isConflict(e)) throw e;
          writerConflicts++;
        }
      }
    };
    // 50 ServiceAccounts read before the manager exists, written only once Cheiron has attached to each: every
    // one of those updates meets a 409 (Cheiron wrote in between), and the writer's retry must keep both.
    const reads = await Promise.all(stale.map(ns => c.admin.get<any>(path(ns))));
    // 50 others updated over and over while the fan-out runs, so Cheiron's patches from its cache meet 409s.
    let hammering = true;
    const hammer = (async () => {
      for (let round = 1; hammering || round < 3; round++)
        await runBounded(
          hammered.map(ns => () => update(ns, round)),
          8,
        );
    })();
    await addManager("fleet-c");
    await Promise.all(
      stale.map(async (ns, i) => {
        await eventually(
          async () => expect(await attached(c.admin, [ns], "fleet-c")).toBe(1),
          120_000,
          100,
        );
        await update(ns, 1, reads[i]);
      }),
    );
    await eventually(
      async () => expect(await attached(c.admin, hammered, "fleet-c")).toBe(50),
      120_000,
      200,
    );
    hammering = false;
    await hammer;
    for (const ns of [...stale, ...hammered])
      expected.userPulls![ns] = [...(expected.userPulls![ns] ?? []), "other"];
    await expectConverged(c.admin, expected);
    const moduleConflicts = moduleWrites(
      e =>
        e.stageTimestamp > since &&
        e.objectRef?.resource === "serviceaccounts" &&
        e.responseStatus?.code === 409,
    ).length;
    console.log(`[faults] 409s: the writer ${writerConflicts}, the module ${moduleConflicts}`);
    expect(writerConflicts).toBeGreaterThanOrEqual(stale.length);
  }, 420_000);
});
