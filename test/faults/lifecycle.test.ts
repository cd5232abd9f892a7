// Fault matrix (issue 12 #2), the objects themselves changing under a running 200-namespace fan-out:
// - a source Secret deleted, then re-created (with a new password) while its copies fan out;
// - a target namespace deleted during a reconcile (20 of the namespaces, mid fan-out);
// - a manager deleted while its fan-out is still running.
// controller.source.test.ts (a source gone for a while, copies kept) and controller.lifecycle.test.ts (a target
// namespace deleted) are the single-namespace versions through the shared module.
import { runBounded } from "../../src/controllers/bounded";
import {
  createPullSecret,
  decodeDockerConfig,
  eventually,
  getOrUndefined,
  k,
  kJson,
  uid,
} from "../integration/helpers";
import {
  applyClusterManager,
  attached,
  createNamespaces,
  describeFaults,
  Expectation,
  expectConverged,
  FaultCluster,
  foreignVersions,
  midway,
  seedUserState,
  startFaultCluster,
} from "./cluster";

const N = 200;
const USER = ["user-x"];

describeFaults("faults: sources, namespaces and managers deleted during a fan-out", () => {
  let c: FaultCluster;
  const run = uid();
  const namespaces = Array.from({ length: N }, (_, i) => `l-${run}-${i}`);
  const src = `src-${run}`;
  let expected: Expectation;

  beforeAll(async () => {
    c = await startFaultCluster();
    await createNamespaces(c.admin, namespaces, { faults: run });
    await k(["create", "ns", src]);
    await createPullSecret(src, "org", "registry.example.com", "v1");
    // A Secret of the user named like the managed one, out of scope, and the user's own entries in scope.
    await createPullSecret(src, "doomed");
    await seedUserState(c.admin, namespaces.slice(0, 5), USER);
    expected = {
      namespaces,
      secrets: [],
      managers: [],
      foreign: await foreignVersions([
        `${src}/doomed`,
        ...namespaces.slice(0, 5).map(ns => `${ns}/user-x`),
      ]),
      userPulls: Object.fromEntries(namespaces.slice(0, 5).map(ns => [ns, USER])),
    };
  }, 600_000);

  afterAll(async () => c?.w.stop());

  it("a source Secret deleted, then re-created, in the middle of a fan-out: every copy has the new one", async () => {
    await applyClusterManager("org", run, { existingSecretRef: { name: "org", namespace: src } });
    await midway(c.admin, namespaces, "org");
    await k(["delete", "secret", "org", "-n", src]);
    await createPullSecret(src, "org", "registry.example.com", "v2");
    expected.secrets.push("org");
    expected.managers.push("org");
    await expectConverged(c.admin, expected);
    await eventually(
      async () => {
        const copies = (
          await kJson(["get", "secret", "-A", "--field-selector", "metadata.name=org"])
        ).items;
        const passwords = new Set(
          copies
            .filter((s: any) => s.metadata.namespace !== src)
            .map((s: any) => decodeDockerConfig(s).auths["registry.example.com"].password),
        );
        expect({ copies: copies.length, passwords: [...passwords] }).toEqual({
          copies: N + 1,
          passwords: ["v2"],
        });
      },
      120_000,
      1000,
    );
  }, 420_000);

  it("a target namespace deleted during a reconcile: the others converge, nothing is reported", async () => {
    await applyClusterManager("ns-gone", run);
    await midway(c.admin, namespaces, "ns-gone");
    const gone = namespaces.slice(N - 20);
    await runBounded(
      gone.map(ns => () => c.admin.delete(`/api/v1/namespaces/${ns}`).then(() => undefined)),
      4,
    );
    expected.namespaces = namespaces.slice(0, N - 20);
    expected.secrets.push("ns-gone");
    expected.managers.push("ns-gone");
    await expectConverged(c.admin, expected);
    await eventually(
      async () => expect(await getOrUndefined(["get", "ns", gone[0]])).toBeUndefined(),
      120_000,
      1000,
    );
    const st = (await kJson(["get", "cipsm", "ns-gone"])).status;
    expect({ problems: st.problemCount ?? 0, namespaces: st.namespaces }).toEqual({
      problems: 0,
      namespaces: N - 20,
    });
  }, 420_000);

  it("a manager deleted while its fan-out is still running: no copy or reference of it is left", async () => {
    await applyClusterManager("doomed", run);
    await midway(c.admin, expected.namespaces, "doomed");
    await k(["delete", "cipsm", "doomed", "--wait=true", "--timeout=180s"]);
    await eventually(
      async () => {
        expect(await attached(c.admin, expected.namespaces, "doomed")).toBe(0);
        const copies = (
          await kJson(["get", "secret", "-A", "--field-selector", "metadata.name=doomed"])
        ).items;
        expect(copies.map((s: any) => s.metadata.namespace)).toEqual([src]);
      },
      120_000,
      1000,
    );
    // the other managers' references and the user's entries are all still there
    await expectConverged(c.admin, expected);
  }, 420_000);
});
