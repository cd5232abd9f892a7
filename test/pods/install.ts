// Installing Cheiron as a user does on the node cluster: `npx pepr deploy -i <image> --yes` from a copy of the
// module, then waiting until both Deployments have rolled out and are Ready by their own probes.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { snapshotModule, REPO } from "../harness/module";
import { apply, eventually, kJson } from "../integration/helpers";
import { pushTestControllerImage } from "../node/controller-image";
import { nodeState } from "../node/state";

export const DEPLOYMENTS = ["pepr-cheiron", "pepr-cheiron-watcher"];
export const CRDS = ["imagepullsecretmanagers", "clusterimagepullsecretmanagers"].map(
  c => `${c}.cheiron.anny.co`,
);

/** One Deployment as `kubectl rollout status` judges it: every replica updated, available and Ready, no old one. */
interface Rollout {
  generation: number;
  ready: string;
  done: boolean;
}

export async function rollouts(): Promise<Record<string, Rollout>> {
  const list = await kJson(["get", "deployments", "-n", "pepr-system"]);
  return Object.fromEntries(
    ((list?.items ?? []) as any[]).map(d => {
      const s = d.status ?? {};
      const want = d.spec.replicas;
      const done =
        want > 0 &&
        s.observedGeneration >= d.metadata.generation &&
        s.updatedReplicas === want &&
        s.readyReplicas === want &&
        s.availableReplicas === want &&
        s.replicas === want;
      return [
        d.metadata.name,
        { generation: d.metadata.generation, ready: `${s.readyReplicas ?? 0}/${want}`, done },
      ];
    }),
  );
}

const s = (ms: number) => (ms / 1000).toFixed(1);

/**
 * Runs `npx pepr deploy -i <image> --yes` in a fresh copy of the module (`env` added to package.json's pepr.env,
 * which pepr puts on both Deployments) and waits until both Deployments are rolled out past `after`'s generations.
 * Returns the command's exit code, the Deployments seen, and the times (printed, never asserted).
 */
export async function peprDeploy(opts: { env?: Record<string, string>; label: string }) {
  const image = pushTestControllerImage();
  const before = await rollouts();
  const cwd = snapshotModule(mkdtempSync(join(nodeState().dir, "deploy-")));
  if (opts.env) {
    const pkg = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"));
    pkg.pepr.env = { ...pkg.pepr.env, ...opts.env };
    writeFileSync(join(cwd, "package.json"), JSON.stringify(pkg, null, 2));
  }
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
  let last: Record<string, Rollout> = {};
  await eventually(
    async () => {
      last = await rollouts();
      const changed = DEPLOYMENTS.every(
        n => last[n] && last[n].generation > (before[n]?.generation ?? 0),
      );
      if (!applied && changed) applied = Date.now();
      expect(changed && DEPLOYMENTS.every(n => last[n].done)).toBe(true);
    },
    600_000,
    250,
  ).catch(e => {
    throw new Error(`${JSON.stringify(last)}\n${out.slice(-3000)}`, { cause: e });
  });
  const ready = Date.now();
  const code = await exited;
  const times = { total: ready - t0, build: applied - t0, rollout: ready - applied };
  console.log(
    `[pods] ${opts.label}: npx pepr deploy → both Deployments rolled out and Ready ${s(times.total)} s (build and apply ${s(times.build)} s, applied → Ready ${s(times.rollout)} s): ${JSON.stringify(last)}`,
  );
  const ready_ = Object.fromEntries(DEPLOYMENTS.map(n => [n, last[n].ready]));
  return { code, ready: ready_, times, cwd, out };
}

/** Installs Cheiron with `npx pepr deploy` unless it runs already (both Deployments Ready, the CRDs there). */
export async function ensureDeployed() {
  const r = await rollouts();
  const crds = await kJson(["get", "crd"]);
  const have = (crds.items as any[]).map(c => c.metadata.name);
  if (DEPLOYMENTS.every(n => r[n]?.done) && CRDS.every(c => have.includes(c))) return;
  const { code, out } = await peprDeploy({ label: "install" });
  if (code !== 0) throw new Error(`pepr deploy exited ${code}\n${out.slice(-3000)}`);
  await eventually(async () => {
    const now = (await kJson(["get", "crd"])).items.map((c: any) => c.metadata.name);
    expect(now).toEqual(expect.arrayContaining(CRDS));
  }, 120_000);
}

/** Creates `n` namespaces `<prefix>-<i>` with `labels` in one apply; returns their names. */
export async function namespaces(prefix: string, n: number, labels: Record<string, string>) {
  const names = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const items = names.map(name => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels },
  }));
  await apply(JSON.stringify({ apiVersion: "v1", kind: "List", items }));
  return names;
}

/** The imagePullSecrets names of every `default` ServiceAccount, by namespace (one list call). */
export async function defaultPulls(): Promise<Record<string, string[]>> {
  const list = await kJson(["get", "sa", "-A", "--field-selector", "metadata.name=default"]);
  return Object.fromEntries(
    (list.items as any[]).map(sa => [
      sa.metadata.namespace,
      (sa.imagePullSecrets ?? []).map((r: { name: string }) => r.name),
    ]),
  );
}

/** The namespaces holding a Secret named `name` with Cheiron's labels (one list call). */
export async function cheironSecretsNamed(name: string): Promise<string[]> {
  const list = await kJson(["get", "secrets", "-A", "-l", "app.kubernetes.io/managed-by=cheiron"]);
  return (list.items as any[]).filter(x => x.metadata.name === name).map(x => x.metadata.namespace);
}
