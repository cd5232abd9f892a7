// Pod reads and deletes. Mode Pod: Pods cannot change after creation, so the controller only counts those that
// carry our references. Stuck Pods (stuck-pods.ts): read per namespace, slimmed; each deleted with its uid as precondition.
// Read in pages (CHEIRON_POD_PAGE_SIZE, 500 Pods a call), per namespace for a few targets, cluster-wide for many.
import { Log } from "pepr";
import { ANNOTATION_RECONCILE_WITH } from "../constants";
import { buildManagerKey } from "../domain/ids";
import type { Manager } from "../domain/model";
import { parseNames } from "../domain/references";
import type { PodView, StuckPod } from "../domain/stuck";
import { apiClient } from "../k8s/client";
import { describeError, isConflict, isNotFound } from "../k8s/errors";
import { paths } from "../k8s/paths";
import { settings } from "../settings";

type PodMeta = { metadata?: { namespace?: string; annotations?: Record<string, string> } };

async function countIn(path: string, match: (p: PodMeta) => boolean) {
  let n = 0;
  for await (const page of apiClient().pages<PodMeta>(path, {}, settings().podPageSize))
    n += (page.items ?? []).filter(match).length;
  return n;
}

export async function countPodsReferencing(
  namespaces: string[],
  attachable: Record<string, string[]>,
): Promise<number> {
  if (namespaces.length === 0) return 0;
  const wanted = new Set(namespaces);
  const match = (p: PodMeta) => {
    const ns = p.metadata?.namespace ?? "";
    if (!wanted.has(ns)) return false;
    const names = new Set(attachable[ns] ?? []);
    return parseNames(p.metadata?.annotations?.[ANNOTATION_RECONCILE_WITH]).some(n => names.has(n));
  };
  if (namespaces.length > 10) return countIn(paths.pods(), match);
  const counts = await Promise.all(namespaces.map(ns => countIn(paths.pods(ns), match)));
  return counts.reduce((a, b) => a + b, 0);
}

/** Terminated Pods cannot be stuck: the apiserver leaves them out. */
const POD_FIELD_SELECTOR = "status.phase!=Succeeded,status.phase!=Failed";

const slim = (p: PodView): PodView => ({
  metadata: {
    name: p.metadata?.name,
    namespace: p.metadata?.namespace,
    uid: p.metadata?.uid,
    labels: p.metadata?.labels,
    annotations: p.metadata?.annotations,
    deletionTimestamp: p.metadata?.deletionTimestamp,
    ownerReferences: p.metadata?.ownerReferences?.map(r => ({
      apiVersion: r.apiVersion,
      kind: r.kind,
      name: r.name,
      uid: r.uid,
      controller: r.controller,
    })),
  },
  spec: {
    nodeName: p.spec?.nodeName,
    serviceAccountName: p.spec?.serviceAccountName,
    imagePullSecrets: p.spec?.imagePullSecrets,
    containers: (p.spec?.containers ?? []).map(c => ({ image: c.image })),
    initContainers: (p.spec?.initContainers ?? []).map(c => ({ image: c.image })),
  },
  status: {
    containerStatuses: p.status?.containerStatuses,
    initContainerStatuses: p.status?.initContainerStatuses,
  },
});

/** The namespace's Pods that are not terminated, slimmed to what the stuck-Pod check reads. */
export async function readLivePods(ns: string): Promise<PodView[]> {
  const out: PodView[] = [];
  const query = { fieldSelector: POD_FIELD_SELECTOR };
  for await (const page of apiClient().pages<PodView>(
    paths.pods(ns),
    query,
    settings().podPageSize,
  ))
    for (const p of page.items ?? []) out.push(slim(p));
  return out;
}

/** Deletes one Pod, this very one (uid precondition). False when it is gone or replaced already, or failed. */
export async function deleteStuckPod(m: Manager, p: StuckPod): Promise<boolean> {
  try {
    await apiClient().delete(`${paths.pods(p.namespace)}/${encodeURIComponent(p.name)}`, {
      uid: p.uid,
    });
    return true;
  } catch (e) {
    if (!isNotFound(e) && !isConflict(e))
      Log.warn(
        { manager: buildManagerKey(m), pod: `${p.namespace}/${p.name}`, error: describeError(e) },
        "Cheiron could not delete a stuck Pod",
      );
    return false;
  }
}
