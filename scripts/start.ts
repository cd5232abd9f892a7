// `npm start`: run Cheiron against the cluster of the current kubeconfig if it answers; otherwise build
// (first time only) and start the local control plane. Installs the CRDs, runs the module as `pepr dev`
// does, prints how to reach it, echoes Cheiron's own log lines (prefixed `[cheiron] `, scripts/log-echo.ts) and
// stops everything on Ctrl-C. Where the machine allows it the local cluster has a real node and a registry with
// a private image, and it prints a Deployment and a manager to try (scripts/start-node.ts); where not, one line
// says why. With CHEIRON_START=deployed the module runs as its own Pods instead, installed with `npx pepr deploy`
// (scripts/start-deployed.ts); that needs the node, so without one it says why and exits non-zero.
import { mkdtempSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { buildK8s } from "./k8s-build";
import { startControlPlane, stopControlPlane, ControlPlane } from "../test/harness/control-plane";
import { startModule, stopModule, RunningModule } from "../test/harness/module";
import { MODULE_ENV } from "../test/harness/env";
import { httpsGet } from "../test/harness/proc";
import { echoCheironLog } from "./log-echo";
import { NodeCluster, stopNodeCluster } from "../test/harness/node-cluster";
import { TRY_NAMESPACE, tryStartNodeCluster, writeTryFiles } from "./start-node";
import { deployedLogLines, deployOnNode, startsDeployed } from "./start-deployed";

async function currentClusterAnswers(): Promise<string | undefined> {
  const file = process.env.KUBECONFIG || join(homedir(), ".kube", "config");
  try {
    const { KubeConfig } = await import("@kubernetes/client-node");
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    const cluster = kc.getCurrentCluster();
    if (!cluster) return undefined;
    const r = await httpsGet(`${cluster.server}/version`, { insecure: true });
    return r.status > 0 ? file : undefined;
  } catch {
    return undefined;
  }
}

async function main() {
  let cp: ControlPlane | undefined;
  let cluster: NodeCluster | undefined;
  let mod: RunningModule | undefined;
  let stopping = false;
  const echo = { stop: () => {} };
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    echo.stop();
    console.log("\n[start] stopping ...");
    if (mod) await stopModule(mod);
    if (cluster) {
      try {
        await stopNodeCluster(cluster);
      } catch (e) {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
      }
    } else if (cp) await stopControlPlane(cp);
    console.log(
      `[start] stopped: no process left behind${cluster ? " (and nothing of the node: checked)" : ""}`,
    );
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  const deployed = startsDeployed(process.env);
  const existing =
    deployed || process.env.CHEIRON_LOCAL === "true" ? undefined : await currentClusterAnswers();
  let kubeconfig: string;
  let workDir: string;
  if (existing) {
    console.log(`[start] using the cluster of ${existing}`);
    kubeconfig = existing;
    workDir = mkdtempSync(join(tmpdir(), "cheiron-start-"));
  } else {
    console.log(
      deployed
        ? "[start] CHEIRON_START=deployed: starting the local control plane with a node"
        : "[start] no reachable cluster in the current kubeconfig: starting the local control plane",
    );
    const bin = buildK8s();
    process.env.CHEIRON_K8S_BIN = bin;
    const node = await tryStartNodeCluster();
    if (typeof node === "string" && deployed) {
      console.error(`[start] CHEIRON_START=deployed needs a node, and none runs here: ${node}`);
      process.exit(1);
    }
    if (typeof node === "string") {
      console.log(`[start] no node: ${node}; the local cluster runs no Pods`);
      cp = await startControlPlane(bin);
    } else {
      cluster = node;
      cp = node.cp;
    }
    kubeconfig = cp.kubeconfig;
    workDir = cp.dir;
  }
  const kubectl = cp ? join(process.env.CHEIRON_K8S_BIN ?? "", "kubectl") : "kubectl";
  const k = `${kubectl} --kubeconfig ${kubeconfig}`;
  try {
    if (deployed && cluster) await deployOnNode(cluster);
    else
      mod = await startModule(cp ? cp.moduleKubeconfig : kubeconfig, workDir, {
        env: { LOG_LEVEL: "info", ...pick(MODULE_ENV, "CHEIRON_RESYNC_SECONDS") },
      });
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    return stop(1);
  }
  console.log(`
${mod ? `Cheiron is running (module log: ${mod.proc.logFile}; Cheiron's own lines follow, prefixed [cheiron]).` : "Cheiron is running as its own Pods on the node (installed with npx pepr deploy)."}
  kubeconfig: ${kubeconfig}
  try:        ${k} apply -n default -f samples/seed-example.yaml
              ${k} get ipsm,secrets,sa -n default
${cluster ? tryLines(k, cluster) : ""}${cluster && !mod ? deployedLogLines(cluster) : ""}Press Ctrl-C to stop everything.`);
  if (!mod) {
    setInterval(() => {}, 3_600_000); // the Pods run on their own: keep npm start alive until Ctrl-C
    return;
  }
  echo.stop = echoCheironLog(mod.proc.logFile, line => console.log(line));
  mod.proc.child.on("exit", code => {
    if (!stopping) {
      console.error(`[start] pepr dev exited (${code}):\n${mod?.proc.tail(40)}`);
      void stop(1);
    }
  });
}

function tryLines(k: string, c: NodeCluster): string {
  const files = writeTryFiles(c);
  return `  node:       cheiron-node (a real kubelet), a private image at ${c.a?.image}
  then:       ${k} apply -f ${files.deployment}
              ${k} get pods -n ${TRY_NAMESPACE} -w     # ImagePullBackOff: no credentials
              ${k} apply -f ${files.manager}
              # Cheiron's Secret on the ServiceAccount; the stuck Pod is replaced and Running
`;
}

const pick = (env: NodeJS.ProcessEnv, ...keys: string[]) =>
  Object.fromEntries(keys.map(k => [k, env[k]]));

main().catch(e => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
