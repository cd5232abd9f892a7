// Through the real Deployments (issue 25 #3): a ClusterImagePullSecretManager's fan-out over 200 namespaces, Pod
// mode, and the managers' cleanup, with Cheiron installed by `npx pepr deploy` (test/pods/install.ts). The fan-out
// time is printed, never asserted.
import {
  apply,
  createPullSecret,
  eventually,
  getOrUndefined,
  k,
  kJson,
  manager,
  newNamespace,
  uid,
  waitGone,
} from "../integration/helpers";
import { barePod, deployment, waitForPod, waitManagerReady } from "../node/pods";
import { describeNode, nodeState } from "../node/state";
import { cheironSecretsNamed, defaultPulls, ensureDeployed, namespaces } from "./install";

const N = 200;

describeNode("through the Deployments: fan-out, Pod mode, cleanup", () => {
  jest.setTimeout(900_000);
  const id = uid();
  const cm = `fan-${id}`;
  const secret = `fan-${id}`;
  let spread: string[] = [];
  let own: string[] = [];

  beforeAll(async () => {
    await ensureDeployed();
    spread = await namespaces(`fan-${id}`, N, { "cheiron-test/fan": id });
    // Three namespaces where the user's default ServiceAccount already names a Secret of the user's own.
    own = spread.slice(0, 3);
    for (const ns of own) {
      await createPullSecret(ns, "own", "registry.example.com");
      await eventually(() => kJson(["get", "sa", "default", "-n", ns]));
      await k(["patch", "sa", "default", "-n", ns, "-p", '{"imagePullSecrets":[{"name":"own"}]}']);
    }
  });

  afterAll(async () => {
    await k(["delete", "cipsm", cm, "--ignore-not-found", "--timeout=120s"]);
    await k(["delete", "ns", "-l", `cheiron-test/fan=${id}`, "--wait=false"]);
  });

  test(`a ClusterImagePullSecretManager fills ${N} namespaces; a Pod in one pulls with it; deleting it removes only what Cheiron added`, async () => {
    const { a } = nodeState().registries;
    const entry = { name: secret, registry: a.host, username: a.user, password: a.password };
    const t0 = Date.now();
    await apply(
      manager("ClusterImagePullSecretManager", cm, {
        namespaceSelector: { matchLabels: { "cheiron-test/fan": id } },
        secrets: [entry],
      }),
    );
    let missing: string[] = [];
    await eventually(
      async () => {
        const [withSecret, pulls] = await Promise.all([
          cheironSecretsNamed(secret),
          defaultPulls(),
        ]);
        missing = spread.filter(ns => !withSecret.includes(ns) || !pulls[ns]?.includes(secret));
        expect(missing).toEqual([]);
      },
      600_000,
      500,
    ).catch(e => {
      throw new Error(`${missing.length} namespaces not filled, e.g. ${missing.slice(0, 5)}`, {
        cause: e,
      });
    });
    console.log(
      `[pods] fan-out over ${N} namespaces through the Pods: ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const pulls = await defaultPulls();
    expect(own.map(ns => pulls[ns])).toEqual(own.map(() => ["own", secret]));
    await waitManagerReady("cipsm", cm);
    expect((await kJson(["get", "cipsm", cm])).status.namespaces).toBe(N);

    // What a user sees: a Deployment of the private image runs in one of them with no Secret of its own.
    await deployment(spread[N - 1], "app", a.image);
    await waitForPod(spread[N - 1], "app", "Running");

    await k(["delete", "cipsm", cm, "--wait=false"]);
    await waitGone(["cipsm", cm], 600_000);
    const after = await defaultPulls();
    expect(await cheironSecretsNamed(secret)).toEqual([]);
    expect(spread.filter(ns => (after[ns] ?? []).includes(secret))).toEqual([]);
    expect(own.map(ns => after[ns])).toEqual(own.map(() => ["own"]));
    for (const ns of own) await kJson(["get", "secret", "own", "-n", ns]);
  });

  test("Pod mode: a Pod that brings its own imagePullSecrets gets Cheiron's entry merged and runs; cleanup keeps the user's", async () => {
    const { a, b } = nodeState().registries;
    const ns = await newNamespace("pods-podmode");
    const entry = { name: "registry-a", registry: a.host, username: a.user, password: a.password };
    await apply(
      manager("ImagePullSecretManager", "pods", { mode: "Pod", secrets: [entry] }, ns),
      ns,
    );
    await waitManagerReady("ipsm", "pods", ns);
    await createPullSecret(ns, "own-b", b.host);
    await barePod(ns, "app", a.image, ["own-b"]);
    const running = await waitForPod(ns, "app", "Running");
    expect(running.pullSecrets).toEqual(["own-b", "registry-a"]);

    await k(["delete", "ipsm", "pods", "-n", ns, "--timeout=120s"]);
    expect(await getOrUndefined(["get", "secret", "registry-a", "-n", ns])).toBeUndefined();
    await kJson(["get", "secret", "own-b", "-n", ns]);
    await k(["delete", "namespace", ns, "--wait=false"]);
  });
});
