// One real node: containerd (runc with seccomp, the CNI bridge) and the kubelet, joined to a local control plane.
// Everything runs in a private mount namespace held by a `sleep` (tmpfs over /run, /var/lib and /var/log there),
// so the paths containerd and the kubelet write whatever their configuration says (/run/containerd/s,
// /var/lib/kubelet/device-plugins, /var/log/containers, /var/lib/cni) and every overlay, shm, netns and volume
// mount vanish with the namespace. The state lives under `dir`; traffic stays on loopback and on our own bridge.
// stopNode() stops every process by PID, removes the kubepods cgroups and the bridge, restores the sysctls, and
// throws when anything is left (node-host.ts's leftovers()).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeKubeconfig } from "./control-plane";
import { nodeKubeletConfig, writeContainerdConfig } from "./node-config";
import {
  existingFixedPaths,
  killPids,
  kubepodsPids,
  leftovers,
  linkExists,
  pidsNaming,
  recordSysctls,
  removeKubepodsCgroups,
  restoreSysctls,
  Sysctls,
} from "./node-host";
import { cleanupProxyRules, startKubeProxy } from "./node-proxy";
import { freePort, Proc, sleep, startProc, stopProc, tailFile } from "./proc";

export const NODE_NAME = "cheiron-node";
/** Our bridge and its /24: the node's address is .1 (never the machine's own interface), Pods from .10. */
export const BRIDGE = { name: "cheiron0", prefix: "10.244.77" };

export interface NodeOptions {
  binDir: string;
  dir: string;
  server: string;
  caFile: string;
  /** A static token of the apiserver for system:node:<NODE_NAME> in group system:nodes. */
  token: string;
  sandboxImage: string;
  /** Registries containerd trusts: host:port and the CA file of each. */
  registries: { host: string; caFile: string }[];
  /** A static token of the apiserver for system:kube-proxy: kube-proxy runs (test/harness/node-proxy.ts). */
  proxyToken?: string;
}

export interface RunningNode {
  dir: string;
  procs: Proc[];
  sysctls: Sysctls;
  pathsBefore: string[];
  /** The kubelet's podLogsDir: <ns>_<pod>_<uid>/<container>/0.log. */
  podLogsDir: string;
  binDir: string;
  /** `nsenter` arguments into the node's mount namespace. */
  inNs: string[];
  env: NodeJS.ProcessEnv;
}

const ip = (...args: string[]) => {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip ${args.join(" ")}: ${r.stderr.trim()}`);
};

/** The node's address on its bridge: the kubelet's node IP, and where the apiserver listens for Pods. */
export const NODE_IP = `${BRIDGE.prefix}.1`;

/** Makes the bridge with the node's address (before the apiserver binds it); stopNode() or removeBridge() deletes it. */
export function addBridge() {
  ip("link", "add", BRIDGE.name, "type", "bridge");
  ip("addr", "add", `${NODE_IP}/24`, "dev", BRIDGE.name);
  ip("link", "set", BRIDGE.name, "up");
}

export const removeBridge = () => linkExists(BRIDGE.name) && ip("link", "del", BRIDGE.name);

/**
 * Starts containerd, the kubelet and (with a proxy token) kube-proxy on the bridge addBridge() made; resolves once
 * they started (the caller waits for the Node's Ready).
 */
export async function startNode(o: NodeOptions): Promise<RunningNode> {
  const node: RunningNode = {
    dir: o.dir,
    procs: [],
    sysctls: recordSysctls(),
    pathsBefore: existingFixedPaths(),
    podLogsDir: join(o.dir, "pod-logs"),
    binDir: o.binDir,
    inNs: [],
    env: { ...process.env, PATH: `${o.binDir}:${process.env.PATH}` },
  };
  try {
    for (const d of ["containerd", "cni/net.d", "certs.d", "kubelet", "pod-logs", "volume-plugins"])
      mkdirSync(join(o.dir, d), { recursive: true });

    const holder = startProc("node-mounts", "unshare", o.dir, [
      "--mount",
      "--propagation=private",
      "sh",
      "-c",
      "set -e; for d in /run /var/lib /var/log; do mount -n -t tmpfs -o mode=755 cheiron-node $d; done; " +
        "mkdir -p /run/containerd /var/lib/kubelet /var/lib/cni /var/log/containers; echo mounted; exec sleep infinity",
    ]);
    node.procs.push(holder);
    for (let i = 0; !tailFile(holder.logFile).includes("mounted"); i++) {
      if (holder.exitCode !== null || i > 100)
        throw new Error(`the mount namespace did not start\n${holder.tail()}`);
      await sleep(50);
    }
    const inNs = ["--target", String(holder.child.pid), "--mount", "--"];
    node.inNs = inNs;
    const env = node.env;

    const sock = join(o.dir, "containerd.sock");
    const config = writeContainerdConfig(o, sock, BRIDGE);
    const certs = o.registries.map(r => ({ dir: join(o.dir, "certs.d", r.host), ...r }));
    for (const r of certs) {
      mkdirSync(r.dir, { recursive: true });
      writeFileSync(
        join(r.dir, "hosts.toml"),
        `server = "https://${r.host}"\n\n[host."https://${r.host}"]\n  capabilities = ["pull", "resolve"]\n  ca = "${r.caFile}"\n`,
      );
    }
    const containerd = startProc(
      "containerd",
      "nsenter",
      o.dir,
      [...inNs, join(o.binDir, "containerd"), "--config", config],
      { env },
    );
    node.procs.push(containerd);
    for (let i = 0; !tailFile(containerd.logFile).includes("containerd successfully booted"); i++) {
      if (containerd.exitCode !== null || i > 600)
        throw new Error(`containerd did not start\n${containerd.tail()}`);
      await sleep(50);
    }

    const kubeconfig = join(o.dir, "kubelet.kubeconfig");
    writeKubeconfig(kubeconfig, o.server, o.caFile, `system:node:${NODE_NAME}`, o.token);
    const [port, healthz] = [await freePort(), await freePort()];
    writeFileSync(
      join(o.dir, "kubelet.yaml"),
      nodeKubeletConfig({ dir: o.dir, sock, port, healthz, podLogsDir: node.podLogsDir }),
    );
    node.procs.push(
      startProc(
        "kubelet",
        "nsenter",
        o.dir,
        [
          ...inNs,
          join(o.binDir, "kubelet"),
          `--config=${join(o.dir, "kubelet.yaml")}`,
          `--kubeconfig=${kubeconfig}`,
          `--root-dir=${join(o.dir, "kubelet")}`,
          `--hostname-override=${NODE_NAME}`,
          `--node-ip=${NODE_IP}`,
          "--v=1",
        ],
        { env },
      ),
    );
    if (o.proxyToken) {
      const proxyKubeconfig = join(o.dir, "kube-proxy.kubeconfig");
      writeKubeconfig(proxyKubeconfig, o.server, o.caFile, "system:kube-proxy", o.proxyToken);
      node.procs.push(
        await startKubeProxy({
          binDir: o.binDir,
          dir: o.dir,
          kubeconfig: proxyKubeconfig,
          nodeName: NODE_NAME,
          podCidr: `${BRIDGE.prefix}.0/24`,
          inNs,
          env,
        }),
      );
    }
    return node;
  } catch (e) {
    await stopNode(node).catch(err =>
      console.error(`[node] ${err instanceof Error ? err.message : err}`),
    );
    throw e;
  }
}

/** Stops the node and removes all it made; throws when something is left (with what). */
export async function stopNode(node: RunningNode) {
  const [holder, containerd, kubelet, proxy] = node.procs;
  if (proxy) await stopProc(proxy);
  if (kubelet) await stopProc(kubelet);
  // The Pods' processes and the runc shims, by PID, before containerd and the namespace go.
  for (let i = 0; i < 50; i++) {
    const pids = [
      ...kubepodsPids(),
      ...pidsNaming(node.dir).filter(p => !node.procs.some(x => x.child.pid === p)),
    ];
    if (pids.length === 0) break;
    killPids(pids);
    await sleep(100);
  }
  if (containerd) await stopProc(containerd);
  // kube-proxy's rules and the kubelet's chains, while the mount namespace (its /run) still exists.
  const rules = holder && holder.exitCode === null ? cleanupProxyRules(node) : [];
  for (const r of rules) console.warn(`[node] ${r}`);
  if (holder) await stopProc(holder);
  for (let i = 0; i < 50 && (removeKubepodsCgroups(), kubepodsPids().length > 0); i++)
    await sleep(100);
  removeKubepodsCgroups();
  removeBridge();
  const unrestored = restoreSysctls(node.sysctls);
  const left = [
    ...unrestored.map(s => `sysctl ${s}`),
    ...leftovers({
      bridge: BRIDGE.name,
      dir: node.dir,
      sysctls: node.sysctls,
      pathsBefore: node.pathsBefore,
    }),
  ];
  if (left.length)
    throw new Error(`[node] the node run left this on the machine: ${left.join("; ")}`);
}
