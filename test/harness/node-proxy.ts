// The node's service proxy: kube-proxy v1.37.2 (built by npm run node:build) in iptables mode (Debian's `iptables`,
// nf_tables backend, installed by node:build when missing), so Pods reach Services' ClusterIPs, the `kubernetes`
// Service among them. Flags chosen so that it changes no sysctl (no conntrack tuning, no localhost NodePorts,
// NodePorts only on our bridge) and listens on loopback only. Teardown runs `kube-proxy --cleanup` and removes the
// chains the kubelet adds once an iptables binary exists (its KUBE-KUBELET-CANARY and KUBE-IPTABLES-HINT
// chains); proxyRuleLeftovers() reports any KUBE- chain or rule still there.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { freePort, Proc, startProc } from "./proc";

const onPath = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

export interface ProxyOptions {
  binDir: string;
  dir: string;
  kubeconfig: string;
  nodeName: string;
  /** The Pods' /24 (cluster CIDR, and the only addresses NodePorts listen on). */
  podCidr: string;
  /** `nsenter` arguments into the node's mount namespace (its /run). */
  inNs: string[];
  env: NodeJS.ProcessEnv;
}

export async function startKubeProxy(o: ProxyOptions): Promise<Proc> {
  if (!onPath("iptables"))
    throw new Error(
      "kube-proxy needs the iptables binary: apt-get install iptables (npm run node:build does it as root)",
    );
  const [metrics, healthz] = [await freePort(), await freePort()];
  return startProc(
    "kube-proxy",
    "nsenter",
    o.dir,
    [
      ...o.inNs,
      join(o.binDir, "kube-proxy"),
      `--kubeconfig=${o.kubeconfig}`,
      `--hostname-override=${o.nodeName}`,
      "--proxy-mode=iptables",
      `--cluster-cidr=${o.podCidr}`,
      `--nodeport-addresses=${o.podCidr}`,
      "--iptables-localhost-nodeports=false",
      "--conntrack-max-per-core=0",
      "--conntrack-tcp-timeout-established=0",
      "--conntrack-tcp-timeout-close-wait=0",
      `--metrics-bind-address=127.0.0.1:${metrics}`,
      `--healthz-bind-address=127.0.0.1:${healthz}`,
      "--v=1",
    ],
    { env: o.env },
  );
}

const save = (cmd: string) =>
  onPath(cmd) ? spawnSync(cmd, [], { encoding: "utf8" }).stdout.split("\n") : [];

/** Deletes the KUBE- rules and chains left in every table (iptables and ip6tables); returns what failed. */
export function removeKubeChains(): string[] {
  const failed: string[] = [];
  for (const family of ["iptables", "ip6tables"]) {
    let table = "";
    const rules: [string, string][] = [];
    const chains: [string, string][] = [];
    for (const l of save(`${family}-save`)) {
      if (l.startsWith("*")) table = l.slice(1);
      else if (l.startsWith(":KUBE-")) chains.push([table, l.slice(1).split(" ")[0]]);
      else if (l.startsWith("-A ") && l.includes("KUBE-") && !l.startsWith("-A KUBE-"))
        rules.push([table, l.slice(3)]);
    }
    const ipt = (args: string[]) => {
      const r = spawnSync(family, args, { encoding: "utf8" });
      if (r.status !== 0) failed.push(`${family} ${args.join(" ")}: ${r.stderr.trim()}`);
    };
    // The jumps from the built-in chains first, then the chains' own rules, then the chains.
    for (const [t, rule] of rules) ipt(["-t", t, "-D", ...splitRule(rule)]);
    for (const [t, chain] of chains) ipt(["-t", t, "-F", chain]);
    for (const [t, chain] of chains) ipt(["-t", t, "-X", chain]);
  }
  return failed;
}

/** Splits an iptables-save rule into arguments (double-quoted parts, e.g. comments, kept whole). */
const splitRule = (rule: string) =>
  [...rule.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map(m => m[1] ?? m[2]);

/** Runs `kube-proxy --cleanup` (in the node's mount namespace) and removes the kubelet's chains; returns problems. */
export function cleanupProxyRules(o: Pick<ProxyOptions, "binDir" | "inNs" | "env">): string[] {
  if (!onPath("iptables")) return [];
  const r = spawnSync("nsenter", [...o.inNs, join(o.binDir, "kube-proxy"), "--cleanup"], {
    env: o.env,
    encoding: "utf8",
  });
  const problems =
    r.status === 0
      ? []
      : [
          `kube-proxy --cleanup exited ${r.status}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`,
        ];
  return [...problems, ...removeKubeChains()];
}

/** The KUBE- chains and rules still in the machine's iptables/ip6tables tables (empty when none). */
export function proxyRuleLeftovers(): string[] {
  const found: string[] = [];
  for (const family of ["iptables", "ip6tables"]) {
    const kube = save(`${family}-save`).filter(l => l.includes("KUBE-"));
    if (kube.length)
      found.push(`${family}: ${kube.length} KUBE- chains and rules (${kube[0]} ...)`);
  }
  return found;
}
