// One unit of work: one namespace, level-triggered. From the cache alone it recomputes what every manager wants
// there (Secrets, then the imagePullSecrets of every ServiceAccount, the union over all managers) and writes only
// the difference: Secrets created or updated first, references next, Secrets deleted last, so nothing dangles.
// The cost depends on this namespace only, never on the size of the cluster.
import type { Problem } from "../api/types";
import type { ExistingSecret, Manager, SecretPlan } from "../domain/model";
import { buildDesiredSecrets } from "../domain/desired";
import { buildAsIsNames, buildEntryNames, buildKeptCopyNames } from "../domain/entries";
import { buildLegacyManagerId, buildManagerId, buildManagerKey } from "../domain/ids";
import { planSecrets } from "../domain/plan";
import { isDryRunning } from "../domain/references";
import { isManagerCoveringNamespace } from "../domain/selection";
import { describeError, isNamespaceGone } from "../k8s/errors";
import { releaseSecret } from "../k8s/secrets";
import {
  buildSecretJobs,
  emptyWriteResult,
  runSecretJobs,
  SecretWriteResult,
} from "./apply-secrets";
import type { WatcherCache } from "./cache";
import { reportReproven } from "./ownership";
import { reconcileNamespaceReferences } from "./references";
import { findKeptReferences, isOwnedBy } from "./sources";

/** What one namespace's reconcile found and did for one manager. */
export interface ManagerOutcome {
  /** The namespace is one of the manager's targets. */
  covered: boolean;
  /** Secret names of this manager ready to be referenced here, in spec order. */
  attachable: string[];
  /** Names whose Secret does not exist here because its write failed (never referenced until it does). */
  missing: string[];
  /** ServiceAccounts here that reference at least one of them. */
  serviceAccounts: number;
  problems: Problem[];
  failures: string[];
  created: number;
  updated: number;
  deleted: number;
  attached: number;
  detached: number;
  planLines: string[];
  /** Secrets labelled as this manager's that remain here after the writes. */
  ownedLeft: number;
}

export type NamespaceOutcomes = Map<string, ManagerOutcome>;

interface Work {
  m: Manager;
  covered: boolean;
  plan: SecretPlan;
  writes: SecretWriteResult;
  asIs: string[];
  orphaning: boolean;
  owned: ExistingSecret[];
}

export async function reconcileNamespace(
  cache: WatcherCache,
  ns: string,
): Promise<NamespaceOutcomes> {
  const outcomes: NamespaceOutcomes = new Map();
  const nsMeta = cache.namespaces.get(undefined, ns);
  if (!nsMeta) return outcomes; // gone: nothing is wanted here any more
  const secretsHere = cache.secrets.inNamespace(ns);
  const works: Work[] = [];
  for (const m of cache.managers()) {
    const id = buildManagerId(m);
    const owned = secretsHere.filter(isOwnedBy(m));
    const covered = !m.deleting && isManagerCoveringNamespace(m, nsMeta);
    if (!covered && owned.length === 0) continue;
    const orphaning = m.deleting && m.spec.deletionPolicy === "Orphan";
    const sources = covered ? cache.sourcesOf(m) : [];
    const desired = (covered ? buildDesiredSecrets(m, [ns], sources).secrets : []).map(d => ({
      ...d,
      ownerProof: cache.proofOf(m, d.namespace, d.name),
    }));
    const names = new Set(desired.map(d => d.name));
    const existing = [
      ...owned,
      ...secretsHere.filter(s => names.has(s.name) && !owned.includes(s)),
    ];
    const proven = cache.ownership(m);
    const plan = planSecrets(id, desired, existing, {}, buildLegacyManagerId(m), proven);
    if (orphaning) plan.delete = []; // released below instead
    // A copy whose source is missing for now is kept (not deleted, still attached) while the manager lists it.
    const kept = new Set(covered ? buildKeptCopyNames(m, sources) : []);
    plan.delete = plan.delete.filter(e => !kept.has(e.name));
    const keptHere = owned.filter(e => kept.has(e.name) && proven(e) === "proven").map(e => e.name);
    if (covered)
      keptHere.push(...findKeptReferences(m, sources, cache.serviceAccounts.inNamespace(ns)));
    const asIs = covered ? [...(buildAsIsNames(m, sources)[ns] ?? []), ...keptHere] : [];
    works.push({
      m,
      covered,
      plan,
      writes: emptyWriteResult(),
      asIs,
      orphaning,
      owned: owned.filter(e => proven(e) === "proven"),
    });
  }

  const jobsOf = works.map(w => ({ w, jobs: buildSecretJobs(w.plan, cache.secrets, w.writes) }));
  const runPhase = (phase: "write" | "delete", skip = new Set<string>()) =>
    Promise.all(
      jobsOf.map(({ w, jobs }) =>
        runSecretJobs(
          jobs.filter(j => j.phase === phase && !skip.has(j.name)),
          w.writes,
          isDryRunning(w.m),
        ),
      ),
    );
  await runPhase("write");
  await Promise.all(works.map(w => reportReproven(cache, w.m, w.plan)));

  const attachable = new Map<string, string[]>();
  for (const w of works) {
    if (!w.covered) continue;
    const ok = new Set([...(w.writes.attachable[ns] ?? []), ...w.asIs]);
    attachable.set(
      buildManagerKey(w.m),
      buildEntryNames(w.m).filter(n => ok.has(n)),
    );
  }
  const orphaning = works.filter(w => w.orphaning).map(w => w.m);
  const refs = await reconcileNamespaceReferences(cache, nsMeta, attachable, orphaning);
  // A Secret still referenced because its detach failed stays until the retry detaches it.
  await runPhase("delete", refs.undetached);
  await releaseOrphaned(cache, works);

  for (const w of works) {
    const key = buildManagerKey(w.m);
    const mine = attachable.get(key) ?? [];
    const r = refs.byManager.get(key);
    outcomes.set(key, {
      covered: w.covered,
      attachable: mine,
      missing: w.writes.missing[ns] ?? [],
      serviceAccounts: r?.serviceAccounts ?? 0,
      problems: [...w.plan.problems, ...w.writes.failures, ...(r?.failures ?? [])],
      failures: [...w.writes.failures, ...(r?.failures ?? [])].map(f => f.message),
      created: w.writes.created,
      updated: w.writes.updated,
      deleted: w.writes.deleted,
      attached: r?.attached ?? 0,
      detached: r?.detached ?? 0,
      planLines: [...w.writes.planLines, ...(r?.planLines ?? [])],
      ownedLeft: cache.secrets
        .inNamespace(ns)
        .filter(e => isOwnedBy(w.m)(e) && cache.ownership(w.m)(e) === "proven").length,
    });
  }
  return outcomes;
}

/** deletionPolicy Orphan: the manager's Secrets here stay, handed over (Cheiron's labels off, data kept). */
async function releaseOrphaned(cache: WatcherCache, works: Work[]) {
  for (const w of works.filter(x => x.orphaning)) {
    for (const s of w.owned) {
      try {
        await cache.secrets.write(s, releaseSecret(s));
        w.writes.deleted++;
      } catch (e) {
        if (isNamespaceGone(e)) continue;
        w.writes.failures.push({
          namespace: s.namespace,
          secret: s.name,
          reason: "WriteFailed",
          message: `Could not release Secret ${s.name}: ${describeError(e)}. It is retried with backoff.`,
        });
      }
    }
  }
}
