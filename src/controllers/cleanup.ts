// A manager being deleted: with deletionPolicy Delete, remove the references we added and the Secrets we
// created (Secrets we adopted are released, never deleted); with Orphan, leave both in place but hand them over (ownership labels and our bookkeeping removed).
// Then release the finalizer. A failure keeps the finalizer and is retried.
import type { Manager, ReferenceMerge } from "../domain/model";
import { buildManagerId } from "../domain/ids";
import {
  ANNOTATION_RECONCILABLE,
  ANNOTATION_RECONCILE_WITH,
  ANNOTATION_RECONCILED,
  FINALIZER,
  LABEL_MANAGER,
} from "../constants";
import { describeError, isNamespaceGone } from "../k8s/errors";
import { listServiceAccounts, patchServiceAccountReferences } from "../k8s/references";
import { releaseSecret } from "../k8s/secrets";
import { emitEvent as report, setFinalizer } from "../k8s/report";
import { applySecretPlan } from "./apply-secrets";
import { reconcileServiceAccounts } from "./attach";
import { runBounded } from "./bounded";
import { Snapshot } from "./snapshot";
import { metrics } from "../metrics";

export async function cleanupManager(snapshot: Snapshot, m: Manager): Promise<boolean> {
  if (!m.finalizers?.includes(FINALIZER)) return true;
  const id = buildManagerId(m);
  const owned = snapshot.managedSecrets.filter(s => s.labels?.[LABEL_MANAGER] === id);
  const namespaces = [
    ...new Set([...owned.map(s => s.namespace), ...(m.namespace ? [m.namespace] : [])]),
  ];
  let failures: string[];
  let summary: string;
  if ((m.spec.deletionPolicy ?? "Delete") === "Delete") {
    const detach = await reconcileServiceAccounts(snapshot, m, namespaces, {}, false);
    const del = await applySecretPlan(
      { create: [], update: [], delete: owned, problems: [], attachable: {} },
      false,
    );
    metrics.countWrites(del, detach, 0);
    failures = [...detach.failures, ...del.failures].map(f => f.message);
    summary = `deleted ${del.deleted} Secrets, detached ${detach.detached} references`;
  } else {
    const names = new Set(owned.map(s => s.name));
    failures = [
      ...(await releaseServiceAccounts(namespaces, names)),
      ...(await releaseSecrets(owned)),
    ];
    summary = `left ${owned.length} Secrets and their references in place (deletionPolicy Orphan)`;
  }
  if (failures.length > 0) {
    await report(
      m,
      "Warning",
      "CleanupFailed",
      `Cleanup incomplete, retrying: ${failures.slice(0, 3).join(" ")}`,
    );
    return false;
  }
  await report(m, "Normal", "CleanedUp", `Manager deleted: ${summary}.`);
  await setFinalizer(m, false);
  return true;
}

async function releaseSecrets(owned: Snapshot["managedSecrets"]): Promise<string[]> {
  const failures: string[] = [];
  const jobs = owned.map(s => async () => {
    try {
      await releaseSecret(s);
    } catch (e) {
      if (!isNamespaceGone(e))
        failures.push(`Secret ${s.namespace}/${s.name}: ${describeError(e)}.`);
    }
  });
  await runBounded(jobs, 8);
  return failures;
}

/** Our entries stay in the lists but are no longer recorded as ours, so nothing removes them later. */
async function releaseServiceAccounts(namespaces: string[], names: Set<string>): Promise<string[]> {
  const failures: string[] = [];
  const all = (await Promise.all(namespaces.map(ns => listServiceAccounts(ns)))).flat();
  const jobs = all.map(sa => async () => {
    const annotations = sa.metadata?.annotations ?? {};
    const managed = (annotations[ANNOTATION_RECONCILE_WITH] ?? "")
      .split(",")
      .map(n => n.trim())
      .filter(Boolean);
    const keep = managed.filter(n => !names.has(n));
    if (keep.length === managed.length) return;
    const merge: ReferenceMerge = {
      imagePullSecrets: (sa.imagePullSecrets ?? []).map(r => ({ name: r.name ?? "" })),
      annotations: keep.length
        ? { [ANNOTATION_RECONCILE_WITH]: keep.join(",") }
        : {
            [ANNOTATION_RECONCILE_WITH]: undefined,
            [ANNOTATION_RECONCILABLE]: undefined,
            [ANNOTATION_RECONCILED]: undefined,
          },
      changed: true,
    };
    try {
      await patchServiceAccountReferences(sa, merge);
    } catch (e) {
      if (!isNamespaceGone(e))
        failures.push(
          `ServiceAccount ${sa.metadata?.namespace}/${sa.metadata?.name}: ${describeError(e)}.`,
        );
    }
  });
  await runBounded(jobs, 8);
  return failures;
}
