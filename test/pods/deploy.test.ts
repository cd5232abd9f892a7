// `npx pepr deploy` onto the local cluster with a real node (issue 25 #3): the command a user types, with the
// controller image built here (scripts/image-build.ts) and `--yes` for its prompt. Pepr's own build runs, its
// Deployments' Pods are scheduled and started by the kubelet, and become Ready by their own probes; the watcher
// installs Cheiron's CRDs; the seed example then makes Pods pull private images with the Secrets Cheiron wrote.
// The time from the command to both Deployments Ready is printed, never asserted (test/pods/install.ts).
import { kJson } from "../integration/helpers";
import { seedOnNode } from "../node/pods";
import { describeNode } from "../node/state";
import { CRDS, peprDeploy } from "./install";

describeNode("npx pepr deploy onto a cluster with a real node", () => {
  jest.setTimeout(900_000);

  test("both Deployments become Ready by their probes, the watcher installs the CRDs, the seed example's Pods pull", async () => {
    const { code, ready } = await peprDeploy({ label: "deploy" });
    expect({ code, ready }).toEqual({
      code: 0,
      ready: { "pepr-cheiron": "2/2", "pepr-cheiron-watcher": "1/1" },
    });

    for (const crd of CRDS) {
      const c = await kJson(["get", "crd", crd, "--show-managed-fields"]);
      const established = (c.status?.conditions ?? []).find(
        (x: { type: string }) => x.type === "Established",
      );
      const managers = (c.metadata.managedFields ?? []).map((m: { manager: string }) => m.manager);
      // Applied by the watcher Pod (fieldManager cheiron, src/k8s/crds.ts): pepr deploy's manifest has no CRD of ours.
      expect({ established: established?.status, managers }).toEqual({
        established: "True",
        managers: expect.arrayContaining(["cheiron"]),
      });
    }
    await seedOnNode("pods-seed");
  });
});
