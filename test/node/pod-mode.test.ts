// Pod mode on a real node: admission merges Cheiron's entries into a Pod that brings its own imagePullSecrets,
// and with matchImageRegistries a Pod gets the Secret of its own registry only, for each of two registries.
import { apply, createPullSecret, k, manager, newNamespace, uid } from "../integration/helpers";
import { barePod, waitForPod, waitManagerReady } from "./pods";
import { describeNode, nodeState, NodeRegistry } from "./state";

const entry = (name: string, r: NodeRegistry) => ({
  name,
  registry: r.host,
  username: r.user,
  password: r.password,
});

const podManager = async (namespace: string, secrets: object[], matchImageRegistries = false) => {
  await apply(
    manager(
      "ImagePullSecretManager",
      "pods",
      { mode: "Pod", matchImageRegistries, secrets },
      namespace,
    ),
    namespace,
  );
  await waitManagerReady("ipsm", "pods", namespace);
};

describeNode("Pod mode, on a real node", () => {
  test("a Pod that brings its own imagePullSecrets gets Cheiron's entry merged after its own, and runs", async () => {
    const { a, b } = nodeState().registries;
    const ns = await newNamespace("node-pod");
    await podManager(ns, [entry("registry-a", a)]);
    // Its own Secret is for registry B: useless for its image on A, and kept in place.
    await createPullSecret(ns, "own-b", b.host);
    await barePod(ns, "app", a.image, ["own-b"]);
    const running = await waitForPod(ns, "app", "Running");
    expect(running.pullSecrets).toEqual(["own-b", "registry-a"]);
    await k(["delete", "namespace", ns, "--wait=false"]);
  });

  test("with two registries and matchImageRegistries, a Pod of registry A pulls with A's Secret only, and one of B with B's", async () => {
    const { a, b } = nodeState().registries;
    const ns = await newNamespace("node-reg");
    await podManager(ns, [entry("registry-a", a), entry("registry-b", b)], true);
    const [fromA, fromB] = [`a-${uid()}`, `b-${uid()}`];
    await barePod(ns, fromA, a.image);
    await barePod(ns, fromB, b.image);
    const podA = await waitForPod(ns, fromA, "Running");
    const podB = await waitForPod(ns, fromB, "Running");
    expect(podA.pullSecrets).toEqual(["registry-a"]);
    expect(podB.pullSecrets).toEqual(["registry-b"]);
    await k(["delete", "namespace", ns, "--wait=false"]);
  });
});
