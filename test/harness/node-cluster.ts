// A local cluster with one real node: the control plane with the controllers a node needs (Node authorization
// and NodeRestriction for the kubelet's identity; the apiserver on the node's bridge address so Pods reach it
// through the kubernetes Service), kube-scheduler, kube-proxy (test/harness/node-proxy.ts), three registries (an open one for the sandbox
// image, and two with htpasswd, A and B, each holding the private test image) and the node (test/harness/node.ts).
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildK8s } from "../../scripts/k8s-build";
import { buildNode } from "../../scripts/node-build";
import { ControlPlane, startControlPlane, stopControlPlane, waitFor } from "./control-plane";
import {
  addBridge,
  BRIDGE,
  NODE_IP,
  NODE_NAME,
  removeBridge,
  RunningNode,
  startNode,
  stopNode,
} from "./node";
import { nodeUnavailableReason } from "./node-host";
import { proxyRuleLeftovers, removeKubeChains } from "./node-proxy";
import { craneFor, pushProgramImage } from "./node-images";
import { httpsGet, Proc, startProc, stopProc } from "./proc";
import { startTestRegistry, TestRegistry } from "./registry";

/** The kube-controller-manager controllers a node needs, added to the control plane's own. */
export const NODE_CONTROLLERS = [
  "deployment-controller",
  "replicaset-controller",
  "root-ca-certificate-publisher-controller",
  "node-lifecycle-controller",
  "endpointslice-controller",
];

export interface PrivateRegistry {
  registry: TestRegistry;
  user: string;
  password: string;
  /** The private test image there: <host>/private/app:1. */
  image: string;
}

export interface NodeCluster {
  cp: ControlPlane;
  node?: RunningNode;
  scheduler?: Proc;
  open?: TestRegistry;
  a?: PrivateRegistry;
  b?: PrivateRegistry;
  sandboxImage: string;
  /** The node's bin folder (kubelet, crane, ...). */
  nodeBin: string;
}

/** Thrown when the machine cannot run a node; the message says exactly why. */
export class NodeUnavailable extends Error {}

async function privateRegistry(user: string): Promise<PrivateRegistry> {
  const password = randomBytes(12).toString("hex");
  const registry = await startTestRegistry({ [user]: password });
  return { registry, user, password, image: `${registry.host}/private/app:1` };
}

export async function startNodeCluster(): Promise<NodeCluster> {
  // A node run without kube-proxy's cleanup (an older harness, once iptables is installed) leaves the kubelet's
  // chains; only one node runs at a time (the machine-wide lock), so any KUBE- chain is an earlier run's.
  const stale = proxyRuleLeftovers();
  if (stale.length) {
    console.warn(`[node] removing what an earlier node run left in iptables: ${stale.join("; ")}`);
    removeKubeChains();
  }
  const why = nodeUnavailableReason(BRIDGE.name);
  if (why) throw new NodeUnavailable(why);
  const t0 = Date.now();
  const k8sBin = process.env.CHEIRON_K8S_BIN || buildK8s();
  process.env.CHEIRON_K8S_BIN = k8sBin;
  const nodeBin = buildNode();
  const token = randomBytes(24).toString("hex");
  const proxyToken = randomBytes(24).toString("hex");
  // The apiserver listens on the node's bridge address, so Pods reach it through the kubernetes Service.
  addBridge();
  const cp = await startControlPlane(k8sBin, {
    address: NODE_IP,
    apiserverArgs: ["--authorization-mode=Node", "--enable-admission-plugins=NodeRestriction"],
    controllerManagerArgs: [`--controllers=${NODE_CONTROLLERS.join(",")}`],
    tokens: [
      { token, user: `system:node:${NODE_NAME}`, groups: ["system:nodes"] },
      // Bound to the ClusterRole system:node-proxier by the apiserver's bootstrap RBAC.
      { token: proxyToken, user: "system:kube-proxy", groups: ["system:authenticated"] },
    ],
  }).catch(e => {
    removeBridge();
    throw e;
  });
  const c: NodeCluster = { cp, sandboxImage: "", nodeBin };
  try {
    c.open = await startTestRegistry({});
    c.a = await privateRegistry("alice");
    c.b = await privateRegistry("bob");
    const dir = join(cp.dir, "node");
    mkdirSync(dir);
    const crane = craneFor(nodeBin, cp.dir, [
      { host: c.open.host, caFile: c.open.caFile },
      ...[c.a, c.b].map(r => ({
        host: r.registry.host,
        caFile: r.registry.caFile,
        user: r.user,
        password: r.password,
      })),
    ]);
    c.sandboxImage = pushProgramImage(crane, cp.dir, "pause", `${c.open.host}/cheiron/pause:1`);
    pushProgramImage(crane, cp.dir, "app", c.a.image);
    crane(["copy", c.a.image, c.b.image]);

    c.scheduler = startProc("kube-scheduler", join(nodeBin, "kube-scheduler"), cp.dir, [
      `--kubeconfig=${cp.kubeconfig}`,
      `--authentication-kubeconfig=${cp.kubeconfig}`,
      `--authorization-kubeconfig=${cp.kubeconfig}`,
      "--bind-address=127.0.0.1",
      "--secure-port=0",
      "--leader-elect=false",
    ]);
    const tNode = Date.now();
    c.node = await startNode({
      binDir: nodeBin,
      dir,
      server: cp.server,
      caFile: cp.caFile,
      token,
      proxyToken,
      sandboxImage: c.sandboxImage,
      registries: [c.open, c.a.registry, c.b.registry].map(r => ({
        host: r.host,
        caFile: r.caFile,
      })),
    });
    const ca = readFileSync(cp.caFile);
    await waitFor(
      `Node ${NODE_NAME} Ready`,
      120_000,
      [...cp.procs, c.scheduler, ...c.node.procs],
      async () => {
        const r = await httpsGet(`${cp.server}/api/v1/nodes/${NODE_NAME}`, {
          token: cp.adminToken,
          ca,
        });
        if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
        const node = JSON.parse(r.body) as {
          spec?: { taints?: unknown[] };
          status?: { conditions?: { type: string; status: string }[] };
        };
        const ready = node.status?.conditions?.some(x => x.type === "Ready" && x.status === "True");
        return Boolean(ready) && (node.spec?.taints ?? []).length === 0;
      },
    );
    const s = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
      `[node] ${NODE_NAME} Ready ${s(Date.now() - tNode)} s after start; whole cluster ${s(Date.now() - t0)} s`,
    );
    return c;
  } catch (e) {
    await stopNodeCluster(c).catch(err => console.error(err instanceof Error ? err.message : err));
    throw e;
  }
}

/** Stops everything; throws when the node left anything on the machine. */
export async function stopNodeCluster(
  c: NodeCluster,
  keepDir = process.env.CHEIRON_KEEP_CONTROL_PLANE === "true",
) {
  let failure: unknown;
  if (c.node) await stopNode(c.node).catch(e => (failure = e));
  if (c.scheduler) await stopProc(c.scheduler);
  for (const r of [c.open, c.a?.registry, c.b?.registry]) await r?.close();
  await stopControlPlane(c.cp, keepDir);
  removeBridge();
  if (failure) throw failure;
}
