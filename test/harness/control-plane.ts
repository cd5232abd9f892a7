// Starts a real local control plane: etcd -> kube-apiserver -> kube-controller-manager (serviceaccount,
// namespace, garbage-collector, replicaset and deployment controllers), on free 127.0.0.1 ports in a temporary
// folder. There is no node: Pods stay Pending, unscheduled.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, httpsGet, Proc, sleep, startProc, stopProc } from "./proc";

export interface ControlPlane {
  dir: string;
  server: string;
  /** kubeconfig of the admin identity (group system:masters). */
  kubeconfig: string;
  /** kubeconfig of the module's own identity (user cheiron-module, group system:masters). */
  moduleKubeconfig: string;
  auditLog: string;
  caFile: string;
  adminToken: string;
  procs: Proc[];
  /** The kube-apiserver's binary and flags, kept so restartApiserver() starts it again the same way. */
  apiserver: { cmd: string; args: string[] };
}

export const MODULE_USER = "cheiron-module";

const auditPolicy = (users: string[]) => `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:${users.map(u => `\n  - level: Metadata\n    users: ["${u}"]`).join("")}
  - level: Metadata
    verbs: ["create", "update", "patch", "delete"]
  # The module's reads too (a watch at its start), so bench/admission.ts can count its API calls.
  - level: Metadata
    users: ["${MODULE_USER}"]
    verbs: ["get", "list", "watch"]
  - level: None
`;

/** Writes a kubeconfig for `user`; `auth` is its user entry in YAML flow style (default a static token). */
export function writeKubeconfig(
  path: string,
  server: string,
  caFile: string,
  user: string,
  token: string,
  auth = `{token: "${token}"}`,
) {
  const ca = readFileSync(caFile).toString("base64");
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
  - name: local
    cluster: {server: "${server}", certificate-authority-data: "${ca}"}
users:
  - name: ${user}
    user: ${auth}
contexts:
  - name: local
    context: {cluster: local, user: ${user}, namespace: default}
current-context: local
`,
    { mode: 0o600 },
  );
}

export interface ControlPlaneOptions {
  readyTimeoutMs?: number;
  /** More kube-apiserver flags (test/deployed: --enable-aggregator-routing=true). */
  apiserverArgs?: string[];
  /** Users whose every request (reads included) the audit log records, e.g. a ServiceAccount's. */
  auditUsers?: string[];
  /** More kube-controller-manager flags; a second `--controllers=...` adds to the default list (test/harness/node-cluster.ts). */
  controllerManagerArgs?: string[];
  /** More static tokens (token-auth-file lines: token, user, uid, "groups"), e.g. a kubelet's. */
  tokens?: { token: string; user: string; groups: string[] }[];
  /**
   * The address the apiserver binds and advertises (default 127.0.0.1). Another one (the node's bridge address,
   * which Pods reach) also turns on the lease endpoint reconciler, so the `kubernetes` Service gets its endpoint.
   */
  address?: string;
}

/** The Service ClusterIP range; the `kubernetes` Service is its first address. */
export const SERVICE_CIDR = "10.96.0.0/24";

export async function startControlPlane(binDir: string, opts: ControlPlaneOptions = {}) {
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "cheiron-cp-"));
  const pki = join(dir, "pki");
  mkdirSync(pki);
  const procs: Proc[] = [];
  const cp = { dir, procs } as ControlPlane;
  try {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(pki, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
    writeFileSync(join(pki, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
    cp.adminToken = randomBytes(24).toString("hex");
    const moduleToken = randomBytes(24).toString("hex");
    writeFileSync(
      join(pki, "tokens.csv"),
      `${cp.adminToken},admin,admin,"system:masters"\n${moduleToken},${MODULE_USER},${MODULE_USER},"system:masters"\n` +
        (opts.tokens ?? [])
          .map(t => `${t.token},${t.user},${t.user},"${t.groups.join(",")}"\n`)
          .join(""),
    );
    writeFileSync(join(dir, "audit-policy.yaml"), auditPolicy(opts.auditUsers ?? []));
    cp.auditLog = join(dir, "audit.log");

    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    procs.push(
      startProc("etcd", join(binDir, "etcd"), dir, [
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
        "--unsafe-no-fsync",
        "--log-level=warn",
      ]),
    );
    const address = opts.address ?? "127.0.0.1";
    cp.server = `https://${address}:${apiPort}`;
    cp.apiserver = {
      cmd: join(binDir, "kube-apiserver"),
      args: [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        `--bind-address=${address}`,
        `--advertise-address=${address}`,
        ...(address === "127.0.0.1" ? ["--endpoint-reconciler-type=none"] : []),
        `--secure-port=${apiPort}`,
        `--cert-dir=${pki}`,
        `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
        `--service-account-key-file=${join(pki, "sa.pub")}`,
        `--service-account-signing-key-file=${join(pki, "sa.key")}`,
        `--token-auth-file=${join(pki, "tokens.csv")}`,
        "--authorization-mode=RBAC",
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        "--allow-privileged=true",
        `--audit-policy-file=${join(dir, "audit-policy.yaml")}`,
        `--audit-log-path=${cp.auditLog}`,
        "--audit-log-format=json",
        "--audit-log-mode=blocking",
        // Never rotated (lumberjack's default is 100 MB, which a 5,000-namespace benchmark run passes): readers
        // tail this one file.
        "--audit-log-maxsize=1000000",
        ...(opts.apiserverArgs ?? []),
      ],
    };
    procs.push(startProc("kube-apiserver", cp.apiserver.cmd, dir, cp.apiserver.args));
    cp.caFile = join(pki, "apiserver.crt");
    await apiserverReady(cp, opts.readyTimeoutMs ?? 120_000);
    cp.kubeconfig = join(dir, "admin.kubeconfig");
    cp.moduleKubeconfig = join(dir, "module.kubeconfig");
    writeKubeconfig(cp.kubeconfig, cp.server, cp.caFile, "admin", cp.adminToken);
    writeKubeconfig(cp.moduleKubeconfig, cp.server, cp.caFile, MODULE_USER, moduleToken);
    procs.push(
      startProc("kube-controller-manager", join(binDir, "kube-controller-manager"), dir, [
        `--kubeconfig=${cp.kubeconfig}`,
        `--authentication-kubeconfig=${cp.kubeconfig}`,
        `--authorization-kubeconfig=${cp.kubeconfig}`,
        "--controllers=serviceaccount-controller,namespace-controller,garbage-collector-controller,replicaset-controller,deployment-controller",
        `--service-account-private-key-file=${join(pki, "sa.key")}`,
        `--root-ca-file=${cp.caFile}`,
        "--bind-address=127.0.0.1",
        "--secure-port=0",
        "--leader-elect=false",
        ...(opts.controllerManagerArgs ?? []),
      ]),
    );
    const caPem = readFileSync(cp.caFile);
    await waitFor("the default ServiceAccount", 120_000, procs, async () => {
      const r = await httpsGet(`${cp.server}/api/v1/namespaces/default/serviceaccounts/default`, {
        token: cp.adminToken,
        ca: caPem,
      });
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      return true;
    });
    console.log(
      `[control-plane] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${cp.server}`,
    );
    return cp;
  } catch (e) {
    await stopControlPlane(cp);
    throw e;
  }
}

const apiserverReady = (cp: ControlPlane, timeoutMs: number) =>
  waitFor("kube-apiserver /readyz", timeoutMs, cp.procs, async () => {
    const r = await httpsGet(`${cp.server}/readyz`, { token: cp.adminToken, insecure: true });
    return r.status === 200;
  });

/** Stops kube-apiserver and starts it again with the same flags on the same port; resolves when /readyz answers. */
export async function restartApiserver(cp: ControlPlane) {
  const i = cp.procs.findIndex(p => p.name === "kube-apiserver");
  await stopProc(cp.procs[i]);
  cp.procs[i] = startProc("kube-apiserver", cp.apiserver.cmd, cp.dir, cp.apiserver.args);
  await apiserverReady(cp, 120_000);
}

export async function waitFor(
  what: string,
  timeoutMs: number,
  procs: Proc[],
  ok: () => Promise<boolean>,
) {
  const deadline = Date.now() + timeoutMs;
  let last = "none";
  while (Date.now() < deadline) {
    const dead = procs.find(p => p.exitCode !== null);
    if (dead)
      throw new Error(
        `${dead.name} exited (${dead.exitCode}) while waiting for ${what}:\n${dead.tail()}`,
      );
    const answer = await ok().catch((e: unknown) => {
      last = e instanceof Error ? e.message : String(e);
      return false;
    });
    if (answer) return;
    await sleep(250);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what} (last error: ${last}):\n${procs.map(p => p.tail()).join("\n")}`,
  );
}

export async function stopControlPlane(cp: Partial<ControlPlane>, keepDir = false) {
  for (const p of [...(cp.procs ?? [])].reverse()) await stopProc(p);
  if (cp.dir && !keepDir) rmSync(cp.dir, { recursive: true, force: true });
}
