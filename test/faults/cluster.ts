// The fault matrix (issue 12 #2): each file runs the built watcher on a control plane of its own
// (test/harness/own-watcher.ts), breaks something in the middle of a fan-out, and ends with expectConverged:
// every targeted ServiceAccount references the manager's Secret exactly once, the user's own entries are kept in
// their order, Secrets that are not Cheiron's are untouched (same resourceVersion), and the manager is Ready.
// The matrix, bullet by bullet:
//   apiserver restarted mid fan-out (500 ns)      restarts.test.ts  "kube-apiserver restarted in the middle ..."
//   watcher SIGKILLed mid fan-out                 restarts.test.ts  "the watcher process killed (SIGKILL) ..."
//   concurrent writer, 409s, its entries kept     restarts.test.ts  "another writer updating the same ..."
//   source Secret deleted, then re-created        lifecycle.test.ts (+ integration/controller.source.test.ts)
//   target namespace deleted during a reconcile   lifecycle.test.ts (+ integration/controller.lifecycle.test.ts)
//   manager deleted while its fan-out runs        lifecycle.test.ts "a manager deleted while ..."
//   watch gets 410 Gone, relists                  identity.test.ts  "a watch that gets 410 Gone ..."
//   in-cluster token rotated, old one invalid     identity.test.ts  "the in-cluster token rotated ..."
//   APF: one seat, no queue, real 429s            identity.test.ts  "the apiserver throttling the module ..."
//   admission down (failurePolicy Ignore)         admission.test.ts
import { spawnSync } from "node:child_process";
import { buildK8s } from "../../scripts/k8s-build";
import { runBounded } from "../../src/controllers/bounded";
import { ApiClient } from "../../src/k8s/client";
import { loadApiConfig } from "../../src/k8s/config";
import { MODULE_ENV } from "../harness/env";
import { OwnWatcher, startOwnWatcher } from "../harness/own-watcher";
import { describeUnless } from "../harness/skippable";
import {
  apply,
  createPullSecret,
  eventually,
  kJson,
  manager,
  names,
  uid,
} from "../integration/helpers";

const go = spawnSync("go", ["version"]);
const cannot =
  go.status !== 0 && !process.env.CHEIRON_K8S_BIN ? "Go (>= 1.26) is not installed" : "";
export const describeFaults: jest.Describe = describeUnless(cannot);

export interface FaultCluster {
  w: OwnWatcher;
  /** The admin's client (system:masters), for bulk set-up and for reads. */
  admin: ApiClient;
}

/** Starts a control plane and the built watcher on it; the integration helpers (k, kJson) then talk to it. */
export async function startFaultCluster(
  opts: Omit<Parameters<typeof startOwnWatcher>[0], "env"> & { env?: NodeJS.ProcessEnv } = {},
): Promise<FaultCluster> {
  process.env.CHEIRON_K8S_BIN ||= buildK8s();
  const w = await startOwnWatcher({ ...opts, env: { ...MODULE_ENV, ...opts.env } });
  process.env.CHEIRON_IT_KUBECONFIG = w.cp.kubeconfig;
  process.env.KUBECONFIG = w.cp.kubeconfig;
  process.env.CHEIRON_IT_AUDIT = w.cp.auditLog; // for moduleWrites()
  return { w, admin: new ApiClient(loadApiConfig(), { maxConnections: 8 }) };
}

/** A cluster manager `name` over the namespaces labelled faults=<run>; by default one inline Secret `name`. */
export const applyClusterManager = (name: string, run: string, entry?: object, spec = {}) =>
  apply(
    manager("ClusterImagePullSecretManager", name, {
      ...spec,
      secrets: [entry ?? { name, registry: "ghcr.io", username: "u", password: `pw-${uid()}` }],
      namespaceSelector: { matchLabels: { faults: run } },
    }),
  );

/** Creates `namespaces` (labelled) and waits until each has its default ServiceAccount. */
export async function createNamespaces(
  admin: ApiClient,
  namespaces: string[],
  labels: Record<string, string>,
) {
  await runBounded(
    namespaces.map(name => async () => {
      await admin.create("/api/v1/namespaces", { metadata: { name, labels } });
    }),
    8,
  );
  await eventually(
    async () => {
      const have = new Set((await defaultAccounts(admin)).map(sa => sa.metadata.namespace));
      expect(namespaces.filter(n => !have.has(n))).toEqual([]);
    },
    180_000,
    1000,
  );
}

interface Sa {
  metadata: { name: string; namespace: string; resourceVersion: string };
  imagePullSecrets?: { name?: string }[];
}

export const defaultAccounts = async (admin: ApiClient) =>
  (
    await admin.get<{ items: Sa[] }>("/api/v1/serviceaccounts", {
      fieldSelector: "metadata.name=default",
    })
  ).items;

/** How many default ServiceAccounts of `namespaces` reference `secret` now. */
export async function attached(admin: ApiClient, namespaces: string[], secret: string) {
  const want = new Set(namespaces);
  return (await defaultAccounts(admin)).filter(
    sa => want.has(sa.metadata.namespace) && names(sa.imagePullSecrets).includes(secret),
  ).length;
}

/**
 * Waits until the fan-out of `secret` has reached at least `from` of the namespaces; fails if it had already
 * reached all of them (then the fault would not be "in the middle"). Returns the count seen.
 */
export async function midway(admin: ApiClient, namespaces: string[], secret: string, from = 5) {
  const seen = await eventually(
    async () => {
      const n = await attached(admin, namespaces, secret);
      if (n < from) throw new Error(`${n} attached so far`);
      return n;
    },
    120_000,
    50,
  );
  expect(seen).toBeLessThan(namespaces.length);
  return seen;
}

/** A user's own pull Secrets and entries in some namespaces, recorded to be checked untouched at the end. */
export async function seedUserState(admin: ApiClient, namespaces: string[], userPulls: string[]) {
  for (const ns of namespaces) {
    for (const s of userPulls) await createPullSecret(ns, s);
    await admin.patch(
      `/api/v1/namespaces/${ns}/serviceaccounts/default`,
      { imagePullSecrets: userPulls.map(name => ({ name })) },
      "merge",
    );
  }
}

/** The resourceVersions of Secrets that are not Cheiron's, as `namespace/name`. */
export async function foreignVersions(refs: string[]) {
  const out: Record<string, string> = {};
  for (const ref of refs) {
    const [ns, name] = ref.split("/");
    out[ref] = (await kJson(["get", "secret", name, "-n", ns])).metadata.resourceVersion;
  }
  return out;
}

export interface Expectation {
  namespaces: string[];
  /** The managers' Secret names every default ServiceAccount of `namespaces` must reference, once each. */
  secrets: string[];
  /** Per namespace, the user's own entries that must stay, in this order. */
  userPulls?: Record<string, string[]>;
  /** foreignVersions() taken at the start: must be unchanged. */
  foreign?: Record<string, string>;
  /** Cluster managers that must be Ready with every namespace counted. */
  managers: string[];
  /** status.serviceAccounts of each manager (default: one, `default`, per namespace). */
  serviceAccounts?: number;
}

/** The converged end state of every fault case (retried until it holds, up to `timeoutMs`). */
export async function expectConverged(admin: ApiClient, e: Expectation, timeoutMs = 240_000) {
  await eventually(
    async () => {
      const byNs = new Map((await defaultAccounts(admin)).map(sa => [sa.metadata.namespace, sa]));
      const wrong = e.namespaces.flatMap(ns => {
        const pulls = names(byNs.get(ns)?.imagePullSecrets) as string[];
        const missing = e.secrets.filter(s => pulls.filter(p => p === s).length !== 1);
        const user = e.userPulls?.[ns] ?? [];
        const userKept = pulls.filter(p => user.includes(p)).join(",") === user.join(",");
        return missing.length || !userKept ? [`${ns}: ${pulls.join(",")}`] : [];
      });
      expect(wrong.slice(0, 5)).toEqual([]);
      if (e.foreign) expect(await foreignVersions(Object.keys(e.foreign))).toEqual(e.foreign);
      for (const m of e.managers) {
        const obj = await kJson(["get", "cipsm", m]);
        const ready = (obj.status?.conditions ?? []).find(
          (c: { type: string }) => c.type === "Ready",
        );
        expect({ m, ready: ready?.status, gen: obj.status?.observedGeneration }).toEqual({
          m,
          ready: "True",
          gen: obj.metadata.generation,
        });
        expect(obj.status?.serviceAccounts).toBe(e.serviceAccounts ?? e.namespaces.length);
      }
    },
    timeoutMs,
    1000,
  );
}
