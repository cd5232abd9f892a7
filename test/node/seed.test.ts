// The seed example (samples/seed-example.yaml, the original Cheiron README's) on a real node, its registries
// pointed at the local ones: Docker Hub's URL form (https://<host>) at registry A, ghcr.io's host form at
// registry B. The kubelet matches the Secrets' registry keys to the images and both Deployments run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createPullSecret, eventually, k, newNamespace, pullsOf } from "../integration/helpers";
import { deployment, waitForPod } from "./pods";
import { describeNode, nodeState } from "./state";

const seed = readFileSync(join(__dirname, "../../samples/seed-example.yaml"), "utf8");

describeNode("the seed example, on a real node", () => {
  test("with its registries pointed at the local ones, a Deployment of each registry runs", async () => {
    const { a, b } = nodeState().registries;
    const local = seed
      .replace("https://index.docker.io/v1", `https://${a.host}`)
      .replace("registry: ghcr.io", `registry: ${b.host}`)
      .replace("<my-docker-username>", a.user)
      .replace("<my-docker-password>", a.password)
      .replace("<my-docker-email>", "a@example.com")
      .replace("<my-github-username>", b.user)
      .replace("<my-github-access-token>", b.password)
      .replace("<my-github-email>", "b@example.com");
    const ns = await newNamespace("node-seed");
    await createPullSecret(ns, "gitlab-registry", "registry.gitlab.com");
    await k(["apply", "-n", ns, "-f", "-"], { input: local });
    await eventually(async () => {
      const pulls = await pullsOf(ns, "default");
      expect(pulls).toEqual(expect.arrayContaining(["docker-hub", "github-container-registry"]));
    }, 60_000);

    await deployment(ns, "from-a", a.image);
    await deployment(ns, "from-b", b.image);
    await waitForPod(ns, "from-a", "Running");
    await waitForPod(ns, "from-b", "Running");
    await k(["delete", "namespace", ns, "--wait=false"]);
  });
});
