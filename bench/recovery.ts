// Stuck-Pod recovery on a real node (issue 23 #6). A benchmark, not a test: it prints figures and writes
// bench/results/recovery-<timestamp>.json; it exits 1 only when the cluster cannot run.
// For each phase: DEPLOYMENTS Deployments of the private image in a fresh namespace, created before any manager,
// wait until the kubelet reports every Pod in ImagePullBackOff; then one ImagePullSecretManager with the
// registry's credentials is created, and the bench polls the Pods (every POLL_MS) until each Deployment has a
// new Pod the kubelet reports Running. Per phase: time from the manager's create to each replacement Running
// (p50/p99/max), and the module's writes in that window, counted from the apiserver's audit log (bench/audit.ts).
//   recreate         recreateStuckPods: true, the default recreateStuckPodsPerMinute (60)
//   recreate-rate-N  recreateStuckPods: true, recreateStuckPodsPerMinute: N (the default run uses 10, the old default: the rest wait for tokens)
//   none             no recreateStuckPods: how many Pods recover by themselves within NONE_WAIT_S
//   npm run bench:recovery                       # all three phases, about 9 minutes
//   PHASES=recreate NONE_WAIT_S=60 npm run bench:recovery
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { describeCalls, moduleApiCalls } from "./audit";
import { auditEvents } from "../test/harness/audit";
import { percentile } from "./load";
import { kubectl } from "../test/harness/kubectl";
import { snapshotModule, startModule, stopModule, RunningModule } from "../test/harness/module";
import { appDeployment } from "../test/harness/node-images";
import { NodeCluster, startNodeCluster, stopNodeCluster } from "../test/harness/node-cluster";
import { sleep } from "../test/harness/proc";
import { PodRow, pods, replacementEvents } from "./recovery-reads";

const DEPLOYMENTS = Number(process.env.DEPLOYMENTS || 20);
const POLL_MS = Number(process.env.POLL_MS || 250);
const RECOVER_WAIT_S = Number(process.env.RECOVER_WAIT_S || 180);
const NONE_WAIT_S = Number(process.env.NONE_WAIT_S || 330);
const PHASES = (process.env.PHASES || `recreate,recreate-rate-10,none`).split(",");
const WRITES = ["create", "update", "patch", "delete"];

interface Phase {
  phase: string;
  namespace: string;
  deployments: number;
  spec: Record<string, unknown>;
  stuckAfterS: number;
  /** Seconds from the manager's create to each replacement Pod Running, sorted. */
  recoveredS: number[];
  waitedS: number;
  stillStuck: number;
  p50S?: number;
  p99S?: number;
  maxS?: number;
  /** Seconds from the manager's create to each Pod delete the module made, sorted. */
  podDeletesS: number[];
  /** The node's part, from the audit log: each replacement Pod's create (ReplicaSet controller) and binding. */
  podCreatesS: number[];
  podBindingsS: number[];
  /** The replacements' Warning Events from the kubelet, by reason, with one message each (what held a Pod). */
  nodeEvents: Record<string, { count: number; message: string }>;
  moduleWrites: number;
  moduleWritesByKind: string;
  loadAverage: number[];
}

async function runPhase(c: NodeCluster, phase: string, ca: Buffer): Promise<Phase> {
  const a = c.a!;
  const kc = c.cp.kubeconfig;
  const ns = `recovery-${phase}`;
  const apps = Array.from({ length: DEPLOYMENTS }, (_, i) => `app-${i}`);
  const list = {
    apiVersion: "v1",
    kind: "List",
    items: [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
      ...apps.map(n => appDeployment(ns, n, a.image)),
    ],
  };
  const tCreate = Date.now();
  await kubectl(kc, ["apply", "-f", "-"], { input: JSON.stringify(list) });
  // Stuck: every Deployment's one Pod in ImagePullBackOff, as the kubelet reports it.
  let stuck: PodRow[] = [];
  for (;;) {
    stuck = await pods(c, ns, ca);
    if (stuck.length === DEPLOYMENTS && stuck.every(p => p.reason === "ImagePullBackOff")) break;
    if (Date.now() - tCreate > 180_000)
      throw new Error(`${ns}: not all stuck after 180 s: ${JSON.stringify(stuck)}`);
    await sleep(500);
  }
  const stuckAfterS = (Date.now() - tCreate) / 1000;
  const stuckUids = new Set(stuck.map(p => p.uid));
  const rate = /^recreate-rate-(\d+)$/.exec(phase)?.[1];
  const spec: Record<string, unknown> = {
    secrets: [
      { name: "registry-a", registry: a.registry.host, username: a.user, password: a.password },
    ],
    ...(phase.startsWith("recreate") ? { recreateStuckPods: true } : {}),
    ...(rate ? { recreateStuckPodsPerMinute: Number(rate) } : {}),
  };
  const manager = {
    apiVersion: "cheiron.anny.co/v1alpha1",
    kind: "ImagePullSecretManager",
    metadata: { name: "pulls", namespace: ns },
    spec,
  };
  const t0 = Date.now();
  await kubectl(kc, ["create", "-f", "-"], { input: JSON.stringify(manager) });
  const recovered = new Map<string, number>();
  const limitS = phase === "none" ? NONE_WAIT_S : RECOVER_WAIT_S;
  while (recovered.size < DEPLOYMENTS && Date.now() - t0 < limitS * 1000) {
    const now = await pods(c, ns, ca);
    const at = (Date.now() - t0) / 1000;
    for (const p of now) if (p.running && !recovered.has(p.app)) recovered.set(p.app, at);
    await sleep(POLL_MS);
  }
  const t1 = Date.now();
  const waitedS = (t1 - t0) / 1000;
  const recoveredS = [...recovered.values()].sort((x, y) => x - y);
  const writes = moduleApiCalls(c.cp.auditLog, t0, t1).filter(e => WRITES.includes(e.verb));
  // When the module deleted the stuck Pods (the apiserver's receive time), to split the module's part from the node's.
  const deletesS = writes
    .filter(e => e.verb === "delete" && e.requestURI.includes("/pods/"))
    .map(e => (Date.parse(e.requestReceivedTimestamp) - t0) / 1000)
    .sort((x, y) => x - y);
  // The replacements' creates and bindings (any user), to split the control plane's and kubelet's parts.
  const since = (verb: string, sub?: string) =>
    [
      ...new Map(
        auditEvents({ verbs: [verb], resource: "pods", namespace: ns }, c.cp.auditLog)
          .filter(
            e => e.objectRef?.subresource === sub && Date.parse(e.requestReceivedTimestamp) >= t0,
          )
          .map(e => [e.auditID, (Date.parse(e.stageTimestamp) - t0) / 1000]),
      ).values(),
    ].sort((x, y) => x - y);
  const createsS = since("create");
  const bindingsS = since("create", "binding");
  const nodeEvents = await replacementEvents(c, ns, ca, stuckUids, t0);
  const stillStuck = (await pods(c, ns, ca)).filter(p => stuckUids.has(p.uid) && !p.running).length;
  const r: Phase = {
    phase,
    namespace: ns,
    deployments: DEPLOYMENTS,
    spec: { ...spec, secrets: "(registry A, inline)" },
    stuckAfterS,
    recoveredS,
    waitedS,
    stillStuck,
    ...(recoveredS.length
      ? {
          p50S: percentile(recoveredS, 50),
          p99S: percentile(recoveredS, 99),
          maxS: Math.max(...recoveredS),
        }
      : {}),
    podDeletesS: deletesS,
    podCreatesS: createsS,
    podBindingsS: bindingsS,
    nodeEvents,
    moduleWrites: writes.length,
    // One line per kind of write: the deleted Pods' names folded into one entry.
    moduleWritesByKind: describeCalls(
      writes.map(e => ({
        ...e,
        requestURI: e.requestURI.replace(/\/pods\/[^/?]+/, "/pods/<name>"),
      })),
    ),
    loadAverage: loadavg(),
  };
  const f = (v?: number) => (v === undefined ? "-" : v.toFixed(1));
  const span = (xs: number[]) => (xs.length ? `${f(xs[0])} to ${f(xs.at(-1))} s after it` : "none");
  console.log(
    `[recovery] ${phase}: ${recoveredS.length}/${DEPLOYMENTS} Running within ${waitedS.toFixed(0)} s of the` +
      ` manager's create (p50 ${f(r.p50S)} s, p99 ${f(r.p99S)} s, max ${f(r.maxS)} s); ${stillStuck} of the` +
      ` original Pods still stuck; Pods deleted ${span(deletesS)}, replacements created ${span(createsS)},` +
      ` bound ${span(bindingsS)}; replacements' Warning Events ${JSON.stringify(nodeEvents)};` +
      ` module writes ${writes.length}: ${r.moduleWritesByKind || "none"}`,
  );
  await kubectl(kc, ["delete", "namespace", ns, "--wait=true", "--timeout=120s"], {
    allowFail: true,
  });
  return r;
}

async function main() {
  const loadBefore = loadavg();
  const c = await startNodeCluster();
  let mod: RunningModule | undefined;
  const run = {
    startedAt: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? "CPU"}, node ${process.version}`,
    loadBefore,
    settings: { DEPLOYMENTS, POLL_MS, RECOVER_WAIT_S, NONE_WAIT_S, PHASES },
    phases: [] as Phase[],
  };
  try {
    const cwd = snapshotModule(c.cp.dir);
    mod = await startModule(c.cp.moduleKubeconfig, c.cp.dir, { env: { LOG_LEVEL: "info" }, cwd });
    const ca = readFileSync(c.cp.caFile);
    for (const p of PHASES) run.phases.push(await runPhase(c, p, ca));
  } finally {
    if (mod) await stopModule(mod);
    await stopNodeCluster(c);
  }
  const out = resolve(__dirname, "results");
  mkdirSync(out, { recursive: true });
  const stamp = run.startedAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const file = join(
    out,
    `recovery-${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6)}.json`,
  );
  writeFileSync(file, JSON.stringify({ ...run, loadAfter: loadavg() }, null, 2) + "\n");
  console.log(`[recovery] results: ${file}; nothing left on the machine (the harness checked)`);
}

main().then(
  () => process.exit(0),
  e => (console.error(e instanceof Error ? e.stack : e), process.exit(1)),
);
