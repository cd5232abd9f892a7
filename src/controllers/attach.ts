// Brings the imagePullSecrets of every ServiceAccount in the given namespaces to the state all managers
// together want (so two managers on one namespace never undo each other), writing only the differences.
import { K8s, kind } from "pepr";
import type { Problem } from "../api/types";
import type { Manager, ObjectMeta } from "../domain/model";
import { buildDesiredReferences, mergeImagePullSecrets } from "../domain/references";
import { ANNOTATION_RECONCILE_WITH } from "../constants";
import { describeError, isNamespaceGone } from "../k8s/errors";
import { retryOnConflict } from "../k8s/conflict";
import { toObjectMeta } from "../k8s/managers";
import {
  listServiceAccounts,
  patchServiceAccountReferences,
  ServiceAccountObject,
} from "../k8s/references";
import { buildAttachableOfOther, Snapshot } from "./snapshot";
import { runBounded } from "./bounded";

export interface AttachResult {
  attached: number;
  detached: number;
  /** ServiceAccounts that reference at least one of this manager's Secrets afterwards. */
  serviceAccounts: number;
  failures: Problem[];
  planLines: string[];
}

const managedNames = (a?: Record<string, string>) =>
  (a?.[ANNOTATION_RECONCILE_WITH] ?? "")
    .split(",")
    .map(s => s.trim())
    .filter(Boolean);

export async function reconcileServiceAccounts(
  snapshot: Snapshot,
  m: Manager,
  namespaces: string[],
  attachableOfM: Record<string, string[]>,
  dryRun: boolean,
): Promise<AttachResult> {
  const result: AttachResult = {
    attached: 0,
    detached: 0,
    serviceAccounts: 0,
    failures: [],
    planLines: [],
  };
  if (namespaces.length === 0) return result;
  const wanted = new Set(namespaces);
  const nsMeta = new Map(snapshot.namespaces.map(n => [n.name, n]));
  const attachable = (x: Manager, ns: string) =>
    x.uid === m.uid ? (attachableOfM[ns] ?? []) : buildAttachableOfOther(snapshot, x, ns);
  const desiredFor = (sa: ServiceAccountObject) => {
    const ns =
      nsMeta.get(sa.metadata?.namespace ?? "") ??
      ({ name: sa.metadata?.namespace ?? "" } as ObjectMeta);
    return buildDesiredReferences(
      toObjectMeta(sa),
      ns,
      snapshot.managers,
      "ServiceAccount",
      attachable,
    );
  };

  const all = await listServiceAccounts(namespaces.length === 1 ? namespaces[0] : undefined);
  const jobs = all
    .filter(sa => wanted.has(sa.metadata?.namespace ?? ""))
    .map(sa => async () => {
      const ns = sa.metadata?.namespace ?? "";
      const name = sa.metadata?.name ?? "";
      const mine = new Set(attachableOfM[ns] ?? []);
      const applyOne = async (current: ServiceAccountObject) => {
        const annotations = current.metadata?.annotations;
        const merge = mergeImagePullSecrets(
          current.imagePullSecrets,
          annotations,
          desiredFor(current),
        );
        const before = new Set(managedNames(annotations));
        const after = new Set(managedNames(merge.annotations as Record<string, string>));
        const added = [...after].filter(n => !before.has(n));
        const removed = [...before].filter(n => !after.has(n));
        if (merge.changed && !dryRun) await patchServiceAccountReferences(current, merge);
        return { merge, added, removed };
      };
      try {
        const reread = () => K8s(kind.ServiceAccount).InNamespace(ns).Get(name);
        const { merge, added, removed } = await retryOnConflict(sa, applyOne, reread);
        if (merge.imagePullSecrets.some(r => mine.has(r.name))) result.serviceAccounts++;
        if (added.length)
          result.planLines.push(`attach ${added.join(",")} to ServiceAccount ${ns}/${name}`);
        if (removed.length)
          result.planLines.push(`detach ${removed.join(",")} from ServiceAccount ${ns}/${name}`);
        if (!dryRun) {
          result.attached += added.length;
          result.detached += removed.length;
        }
      } catch (e) {
        if (isNamespaceGone(e)) return;
        result.failures.push({
          namespace: ns,
          reason: "WriteFailed",
          message: `Could not update ServiceAccount ${name}: ${describeError(e)}. It is retried with backoff.`,
        });
      }
    });
  await runBounded(jobs, 8);
  return result;
}
