// The seed example (samples/seed-example.yaml, the original Cheiron README's) on a real node, its registries
// pointed at the local ones: Docker Hub's URL form (https://<host>) at registry A, ghcr.io's host form at
// registry B. The kubelet matches the Secrets' registry keys to the images and both Deployments run.
import { seedOnNode } from "./pods";
import { describeNode } from "./state";

describeNode("the seed example, on a real node", () => {
  test("with its registries pointed at the local ones, a Deployment of each registry runs", async () => {
    await seedOnNode("node-seed");
  });
});
