// The cluster state of the scale benchmark: N namespaces with 3 ServiceAccounts each (default, made by
// kube-controller-manager, and 2 more), and the ClusterImagePullSecretManager (the module's webhook
// configurations: applyWebhooks of test/harness/built-module.ts).
import { sleep } from "../test/harness/proc";
import { Api, bounded } from "./scale-kube";
import type { View } from "./scale-view";
import { setupTimeoutMs } from "./scale-plan";

export const SET_LABEL = "bench.cheiron.anny.co/set";
export const MANAGER = "bench-scale";
export const SECRET = "bench-ghcr";
export const EXTRA_SAS = ["bench-a", "bench-b"];
export const SETUP_CONCURRENCY = 16;
const CIPSM = "/apis/cheiron.anny.co/v1alpha1/clusterimagepullsecretmanagers";

/** Names of the namespaces of one set: `<prefix>-<i>`. */
export const names = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, "0")}`);

/** Creates one namespace labelled with its set (and its 2 extra ServiceAccounts unless only the namespace). */
export async function createNamespace(api: Api, name: string, set: string, extras = true) {
  const meta = { name, labels: { [SET_LABEL]: set } };
  await api.must("POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: meta,
  });
  if (!extras) return;
  for (const sa of EXTRA_SAS) {
    const body = {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: sa, namespace: name },
    };
    await api.must("POST", `/api/v1/namespaces/${name}/serviceaccounts`, body);
  }
}

/** Creates the namespaces (and their ServiceAccounts), then waits until every default ServiceAccount exists. */
export async function createSet(api: Api, view: View, prefix: string, set: string, n: number) {
  const t0 = Date.now();
  const list = names(prefix, n);
  await bounded(list, SETUP_CONCURRENCY, ns => createNamespace(api, ns, set));
  await view.until(`the ${3 * n} ServiceAccounts of ${prefix}-*`, setupTimeoutMs(n), () => {
    return view.serviceAccountsIn(prefix) >= 3 * n;
  });
  console.log(`[scale] ${n} namespaces ${prefix}-* with 3 ServiceAccounts each in ${secs(t0)} s`);
  return list;
}

export const secs = (t0: number) => ((Date.now() - t0) / 1000).toFixed(1);

/** The ClusterImagePullSecretManager: one inline entry, ServiceAccount mode, the namespaces of one set. */
export function managerObject(set: string) {
  return {
    apiVersion: "cheiron.anny.co/v1alpha1",
    kind: "ClusterImagePullSecretManager",
    metadata: { name: MANAGER },
    spec: {
      mode: "ServiceAccount",
      namespaceSelector: { matchLabels: { [SET_LABEL]: set } },
      secrets: [
        {
          name: SECRET,
          registry: "ghcr.io",
          username: "bench-user",
          password: "bench-token-not-real",
        },
      ],
    },
  };
}

export async function applyManager(api: Api, set: string) {
  const r = await api.must("POST", CIPSM, managerObject(set), [201]);
  return r.body.metadata.generation as number;
}

/** Creates a manager object of either kind (bench/scale-plan.ts buildManyManagers). */
export async function applyObject(api: Api, o: { metadata: { name: string; namespace?: string } }) {
  const ns = o.metadata.namespace;
  const path = ns
    ? `/apis/cheiron.anny.co/v1alpha1/namespaces/${ns}/imagepullsecretmanagers`
    : CIPSM;
  await api.must("POST", path, o, [201]);
}

/** Deletes the objects at `paths` and waits until each GET answers 404 (finalizers done), within `timeoutMs`. */
export async function deleteAndWait(api: Api, paths: string[], timeoutMs: number) {
  for (const path of paths) await api.must("DELETE", path, undefined, [200, 202, 404]);
  const deadline = Date.now() + timeoutMs;
  for (const path of paths)
    while ((await api.call("GET", path)).status !== 404) {
      if (Date.now() > deadline) throw new Error(`${path} was not deleted in ${timeoutMs} ms`);
      await sleep(250);
    }
}

/** Deletes the manager and waits until it is gone (its finalizer lets Cheiron clean up first). */
export const deleteManager = (api: Api, timeoutMs: number) =>
  deleteAndWait(api, [`${CIPSM}/${MANAGER}`], timeoutMs);
