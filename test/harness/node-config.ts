// The configuration files of the test node (test/harness/node.ts), each line for a reason found on this machine
// (issue 23; the notes of the machine this was tried on): containerd's config version 4 with its sockets, state and opt folder under
// the run's folder, NRI off, restrict_oom_score_adj (root here lacks CAP_SYS_RESOURCE), netns mounts under its
// state, the pinned sandbox image, registries' CAs from certs.d; the CNI bridge without a gateway (no ip_forward);
// the kubelet on cgroup v1 (failCgroupV1: false) with cgroupfs, on 127.0.0.1, its folders under the run's folder,
// and eviction thresholds that a busy development disk does not trip.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SERVICE_CIDR } from "./control-plane";

/** Writes the CNI network and containerd's config.toml (its path returned) into the run's folder. */
export function writeContainerdConfig(
  o: { binDir: string; dir: string; sandboxImage: string },
  sock: string,
  bridge: { name: string; prefix: string },
): string {
  const c = join(o.dir, "containerd");
  const cniConf = join(o.dir, "cni", "net.d");
  writeFileSync(
    join(cniConf, "10-cheiron.conflist"),
    JSON.stringify({
      cniVersion: "1.0.0",
      name: "cheiron",
      plugins: [
        {
          type: "bridge",
          bridge: bridge.name,
          isGateway: false,
          ipMasq: false,
          ipam: {
            type: "host-local",
            dataDir: join(o.dir, "cni", "ipam"),
            ranges: [[{ subnet: `${bridge.prefix}.0/24`, rangeStart: `${bridge.prefix}.10` }]],
            // Services' ClusterIPs through the node's address (kube-proxy's rules there); no default route.
            routes: [{ dst: SERVICE_CIDR, gw: `${bridge.prefix}.1` }],
          },
        },
      ],
    }),
  );
  const file = join(o.dir, "containerd.toml");
  writeFileSync(
    file,
    `version = 4
root = "${c}/root"
state = "${c}/state"
temp = "${c}/tmp"

[plugins]
  [plugins.'io.containerd.server.v1.grpc']
    address = "${sock}"
  [plugins.'io.containerd.server.v1.ttrpc']
    address = "${sock}.ttrpc"
  [plugins.'io.containerd.internal.v1.opt']
    path = "${c}/opt"
  [plugins.'io.containerd.nri.v1.nri']
    disable = true
  [plugins.'io.containerd.cri.v1.images']
    snapshotter = "overlayfs"
    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = "${o.sandboxImage}"
    [plugins.'io.containerd.cri.v1.images'.registry]
      config_path = "${join(o.dir, "certs.d")}"
  [plugins.'io.containerd.cri.v1.runtime']
    restrict_oom_score_adj = true
    netns_mounts_under_state_dir = true
    [plugins.'io.containerd.cri.v1.runtime'.containerd]
      default_runtime_name = "runc"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
          BinaryName = "${join(o.binDir, "runc")}"
          SystemdCgroup = false
    [plugins.'io.containerd.cri.v1.runtime'.cni]
      bin_dirs = ["${o.binDir}"]
      conf_dir = "${cniConf}"
  [plugins.'io.containerd.grpc.v1.cri']
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
`,
  );
  return file;
}

export function nodeKubeletConfig(o: {
  dir: string;
  sock: string;
  port: number;
  healthz: number;
  podLogsDir: string;
}): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
address: 127.0.0.1
port: ${o.port}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: ${o.healthz}
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
containerRuntimeEndpoint: unix://${o.sock}
podLogsDir: ${o.podLogsDir}
volumePluginDir: ${join(o.dir, "volume-plugins")}
failSwapOn: false
serializeImagePulls: false
nodeStatusUpdateFrequency: 2s
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 1Mi
  nodefs.available: 1%
  nodefs.inodesFree: 1%
  imagefs.available: 1%
  imagefs.inodesFree: 1%
`;
}
