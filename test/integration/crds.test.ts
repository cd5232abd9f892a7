// `npx pepr deploy` alone installs a working Cheiron: on a control plane without Cheiron's CRDs (only pepr's
// PeprStore CRD, which pepr's controller.js applies before it runs the module), the BUILT bundle in watcher mode
// (PEPR_WATCH_MODE=true, as its Deployment runs it) installs both CRDs by server-side apply under the field
// manager `cheiron`, and a manager applied afterwards converges. A restarted watcher finds them unchanged and
// writes no CRD (the audit log). Port 3000 is the suite's: the own watcher's listen is remapped (own-watcher.ts).
import { readFileSync } from "node:fs";
import { auditEvents, WRITE_VERBS } from "../harness/audit";
import { MODULE_USER } from "../harness/control-plane";
import { kubectl } from "../harness/kubectl";
import { OwnWatcher, startOwnWatcher } from "../harness/own-watcher";
import { waitForLog } from "../harness/built-module";
import { ANNOTATION_CRD_HASH, ANNOTATION_CRD_VERSION } from "../../src/k8s/crd-stamp";
import { CRD_MODULE_VERSION, EMBEDDED_CRDS } from "../../src/api/crds.generated";
import { describeCluster, eventually } from "./helpers";

const NAMES = EMBEDDED_CRDS.map(c => c.name);

describeCluster("CRDs: the watcher installs them on a cluster that has none", () => {
  let w: OwnWatcher;
  let t0 = 0;
  const k = (args: string[], input?: string) => kubectl(w.cp.kubeconfig, args, { input });
  const kJson = async (args: string[]) => JSON.parse((await k([...args, "-o", "json"])).stdout);
  /** The module's writes to CustomResourceDefinitions since `since` (ISO time), from the audit log. */
  const crdWrites = (since = "") =>
    auditEvents(
      { user: MODULE_USER, since, resource: "customresourcedefinitions", verbs: WRITE_VERBS },
      w.cp.auditLog,
    ).map(e => `${e.verb} ${e.objectRef?.name} ${e.responseStatus?.code}`);

  beforeAll(async () => {
    t0 = Date.now();
    w = await startOwnWatcher({ env: {}, crds: false });
    await waitForLog(w.proc, "Cheiron controller started", 60_000);
  }, 120_000);
  afterAll(async () => w?.stop());

  it("applies both CRDs (server-side apply, field manager cheiron, stamped) and they are Established", async () => {
    expect(readFileSync(w.proc.logFile, "utf8")).toContain("Cheiron CRDs ensured");
    expect(crdWrites()).toEqual(NAMES.map(n => `patch ${n} 201`));
    for (const name of NAMES) {
      const crd = await kJson(["get", "crd", name, "--show-managed-fields"]);
      const established = crd.status.conditions.find((c: any) => c.type === "Established");
      expect(established.status).toBe("True");
      expect(crd.metadata.annotations).toMatchObject({
        [ANNOTATION_CRD_VERSION]: CRD_MODULE_VERSION,
        [ANNOTATION_CRD_HASH]: EMBEDDED_CRDS.find(c => c.name === name)?.hash,
      });
      expect(crd.metadata.managedFields.map((f: any) => `${f.manager} ${f.operation}`)).toContain(
        "cheiron Apply",
      );
    }
  });

  it("a manager applied afterwards converges: its Secret exists and the default ServiceAccount references it", async () => {
    await k(["create", "ns", "team"]);
    const manager = {
      apiVersion: "cheiron.anny.co/v1alpha1",
      kind: "ImagePullSecretManager",
      metadata: { name: "after-crds" },
      spec: { secrets: [{ name: "ghcr", registry: "ghcr.io", username: "u", password: "p-crds" }] },
    };
    await k(["apply", "-n", "team", "-f", "-"], JSON.stringify(manager));
    await eventually(async () => {
      const secret = await kJson(["get", "secret", "ghcr", "-n", "team"]);
      expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
      const sa = await kJson(["get", "sa", "default", "-n", "team"]);
      expect((sa.imagePullSecrets ?? []).map((r: { name: string }) => r.name)).toEqual(["ghcr"]);
    }, 30_000);
  }, 40_000);

  it("a restarted watcher finds the CRDs unchanged and writes none", async () => {
    const since = new Date().toISOString();
    await w.restart();
    await waitForLog(w.proc, "Cheiron controller started", 60_000);
    const log = readFileSync(w.proc.logFile, "utf8");
    expect(log).toContain("Cheiron CRDs ensured");
    for (const name of NAMES) expect(log).toContain(`"${name}":"unchanged"`);
    expect(crdWrites(since)).toEqual([]);
    console.log(`[crds.test] whole test ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 90_000);
});
