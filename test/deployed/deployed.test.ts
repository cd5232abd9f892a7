// Issue 12 #1 and #4: Cheiron as deployed. The output of `pepr build` runs as its two Deployments run it (two
// processes, `node controller.js <hash>`, the ServiceAccount's bound token, the webhooks of the manifest called
// through its Service with its own TLS; test/deployed/cluster.ts). The scenarios run twice: admission at info and
// the watcher at debug, then the other way round. Then: no request of the ServiceAccount was refused, every rule
// of the generated ClusterRole was used, and no credential of the run is in a log line, an Event, a status or the
// metrics.
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { waitForLog } from "../harness/built-module";
import { buildK8s } from "../../scripts/k8s-build";
import { readAudit } from "../harness/audit";
import { stopControlPlane } from "../harness/control-plane";
import { stopProc } from "../harness/proc";
import { describeUnless } from "../harness/skippable";
import { apply, kJson, manager, newNamespace, uid } from "../integration/helpers";
import { forbidden, grants, leaks, Rule, used } from "./checks";
import { Deployed, find, NS, SA_USER, setUp, startDeployment } from "./cluster";
import { metricsOf, PodProc } from "./pod";
import { cleanup, clusterFanOut, Credentials, podMode, seedExample } from "./scenarios";

jest.setTimeout(300_000);

const go = spawnSync("go", ["version"]);
const cannot =
  go.status !== 0 && !process.env.CHEIRON_K8S_BIN ? "Go (>= 1.26) is not installed" : "";
const describeDeployed = describeUnless(cannot);

let d: Deployed;
const procs: PodProc[] = [];
const metrics: Record<string, string> = {};
const creds = new Credentials();

beforeAll(async () => {
  const bin = process.env.CHEIRON_K8S_BIN || buildK8s();
  d = await setUp(bin);
  process.env.CHEIRON_IT_KUBECONFIG = d.cp.kubeconfig; // for the helpers of test/integration
}, 600_000);

afterAll(async () => {
  for (const p of procs) await stopProc(p.proc);
  if (d) await stopControlPlane(d.cp, process.env.CHEIRON_KEEP_CONTROL_PLANE === "true");
});

describeDeployed.each([
  ["info", "debug"],
  ["debug", "info"],
])("as deployed: admission at %s, watcher at %s", (admissionLevel, watcherLevel) => {
  let run: { admission: PodProc; watcher: PodProc };

  beforeAll(async () => {
    for (const p of procs) await stopProc(p.proc);
    const tag = `${admissionLevel}-${watcherLevel}`;
    const [watcher, admission] = await Promise.all([
      startDeployment(d, "pepr-cheiron-watcher", `watcher-${tag}`, watcherLevel),
      startDeployment(d, "pepr-cheiron", `admission-${tag}`, admissionLevel),
    ]);
    procs.push(watcher, admission);
    run = { admission, watcher };
    await waitForLog(watcher.proc, "Cheiron controller started", 120_000);
    await waitForLog(admission.proc, "Cheiron admission view ready", 120_000);
  }, 300_000);

  afterAll(async () => {
    for (const p of [run.admission, run.watcher]) metrics[p.name] = await metricsOf(p);
  });

  it("seed example, cluster fan-out with rotation, Pod mode with a stuck Pod, cleanup", async () => {
    const seed = await seedExample(creds);
    const fan = await clusterFanOut(creds);
    const pods = await podMode(creds);
    await cleanup(seed, fan, pods);
  });
});

describeDeployed("after both runs", () => {
  const audit = () => readAudit(d.cp.auditLog);
  const rules = () => find(d.objects, "ClusterRole", "pepr-cheiron").rules as Rule[];

  it("the ServiceAccount's token was used, and no request of it was refused", () => {
    const events = audit();
    expect(events.filter(e => e.user?.username === SA_USER).length).toBeGreaterThan(50);
    expect(forbidden(events, SA_USER)).toEqual([]);
  });

  it("every rule of the generated ClusterRole was used", () => {
    const usedNow = used(audit(), SA_USER, rules());
    expect(grants(rules()).filter(g => !usedNow.has(g))).toEqual([]);
  });

  it("the generated Role grants the ServiceAccount nothing (its subject is another ServiceAccount)", () => {
    const binding = find(d.objects, "RoleBinding", "pepr-cheiron-store");
    expect(binding.subjects).not.toContainEqual(
      expect.objectContaining({ kind: "ServiceAccount", name: "pepr-cheiron", namespace: NS }),
    );
  });

  it("no credential of the run in a log line, an Event, a status or the metrics", async () => {
    const texts: Record<string, string> = { ...metrics };
    for (const p of procs) texts[`log of ${p.name}`] = readFileSync(p.proc.logFile, "utf8");
    texts.events = JSON.stringify(await kJson(["get", "events", "-A"]));
    texts.ipsmStatus = JSON.stringify(
      (await kJson(["get", "ipsm", "-A"])).items.map((i: any) => i.status),
    );
    texts.cipsmStatus = JSON.stringify(
      (await kJson(["get", "cipsm"])).items.map((i: any) => i.status),
    );
    // Not vacuous: both levels ran, Cheiron logged its work, the metrics are Cheiron's, Events were written.
    expect(Object.keys(texts).filter(t => t.startsWith("log of"))).toHaveLength(4);
    for (const p of procs)
      expect(texts[`log of ${p.name}`]).toMatch(
        /Cheiron (controller started|admission view ready)/,
      );
    expect(texts[`log of watcher-info-debug`]).toContain("Cheiron capped the log level at info");
    for (const m of Object.keys(metrics))
      expect(metrics[m]).toContain("pepr_cheiron_reconciles_total");
    expect(texts.events).toContain("cheiron");
    expect(creds.all.length).toBeGreaterThan(20);
    expect(leaks(texts, [...creds.all, ...d.tokens, d.cp.adminToken])).toEqual([]);
  });

  // Not a leak of the module: the documented residual risk, and proof that the scan above finds a real leak.
  it("residual risk: with CHEIRON_ALLOW_DEBUG_LOGS=true Pepr's debug log carries a manager's password", async () => {
    for (const p of procs.filter(x => x.name.startsWith("admission"))) await stopProc(p.proc);
    const env = { CHEIRON_ALLOW_DEBUG_LOGS: "true" };
    const risky = await startDeployment(d, "pepr-cheiron", "admission-allow-debug", "debug", env);
    procs.push(risky);
    await waitForLog(risky.proc, "Cheiron admission view ready", 120_000);
    const password = `allowed-debug-${uid()}${uid()}`;
    const ns = await newNamespace("risk");
    const spec = { secrets: [{ name: "r", registry: "ghcr.io", username: "u", password }] };
    await apply(manager("ImagePullSecretManager", "risk", spec), ns);
    await waitForLog(risky.proc, password, 30_000);
    expect(leaks({ log: readFileSync(risky.proc.logFile, "utf8") }, [password])).toHaveLength(1);
  });
});
