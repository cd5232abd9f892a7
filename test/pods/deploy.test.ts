// `npx pepr deploy` onto the local cluster with a real node (issue 25 #3): the command a user types, with the
// controller image built here (scripts/image-build.ts) and `--yes` for its prompt. Pepr's own build runs, its
// Deployments' Pods are scheduled and started by the kubelet, and become Ready by their own probes; the watcher
// installs Cheiron's CRDs; the seed example then makes Pods pull private images with the Secrets Cheiron wrote.
// The time from the command to both Deployments Ready is printed, never asserted.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { snapshotModule, REPO } from "../harness/module";
import { eventually, kJson } from "../integration/helpers";
import { pushTestControllerImage } from "../node/controller-image";
import { seedOnNode } from "../node/pods";
import { describeNode, nodeState } from "../node/state";

const DEPLOYMENTS = ["pepr-cheiron", "pepr-cheiron-watcher"];

/** `name: ready/wanted` of the module's Deployments. */
async function readiness(): Promise<Record<string, string>> {
  const list = await kJson(["get", "deployments", "-n", "pepr-system"]);
  return Object.fromEntries(
    (list.items as any[]).map(d => [
      d.metadata.name,
      `${d.status?.readyReplicas ?? 0}/${d.spec.replicas}`,
    ]),
  );
}

const allReady = (r: Record<string, string>) =>
  DEPLOYMENTS.every(n => {
    const [ready, wanted] = (r[n] ?? "0/0").split("/");
    return Number(wanted) > 0 && ready === wanted;
  });

describeNode("npx pepr deploy onto a cluster with a real node", () => {
  jest.setTimeout(900_000);

  test("both Deployments become Ready by their probes, the watcher installs the CRDs, the seed example's Pods pull", async () => {
    const image = pushTestControllerImage();
    const cwd = snapshotModule(nodeState().dir);
    const t0 = Date.now();
    const deploy = spawn(join(REPO, "node_modules/.bin/pepr"), ["deploy", "-i", image, "--yes"], {
      cwd,
      env: { ...process.env, KUBECONFIG: nodeState().kubeconfig },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    deploy.stdout.on("data", d => (out += d));
    deploy.stderr.on("data", d => (out += d));
    const exited = new Promise<number | null>(r => deploy.once("exit", r));

    let applied = 0;
    let last: Record<string, string> = {};
    await eventually(
      async () => {
        last = await readiness();
        if (!applied && DEPLOYMENTS.every(n => last[n])) applied = Date.now();
        expect(allReady(last)).toBe(true);
      },
      600_000,
      250,
    ).catch(e => {
      throw new Error(`${JSON.stringify(last)}\n${out.slice(-3000)}`, { cause: e });
    });
    const ready = Date.now();
    const s = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
      `[pods] npx pepr deploy → both Deployments Ready ${s(ready - t0)} s (build and apply ${s(applied - t0)} s, applied → Ready ${s(ready - applied)} s): ${JSON.stringify(last)}`,
    );
    const code = await exited;
    expect({ code, ready: last }).toEqual({
      code: 0,
      ready: { "pepr-cheiron": "2/2", "pepr-cheiron-watcher": "1/1" },
    });

    for (const crd of ["imagepullsecretmanagers", "clusterimagepullsecretmanagers"]) {
      const c = await kJson(["get", "crd", `${crd}.cheiron.anny.co`, "--show-managed-fields"]);
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
