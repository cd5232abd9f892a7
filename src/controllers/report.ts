// Status and Events stay per manager: namespace outcomes are aggregated here and flushed as one status write
// (only when it changed) and one Event once the manager's pending namespaces are done. A deleting manager whose
// namespaces are all clean loses its finalizer here.
import type { ManagerStatus, Problem, SecretRegistries } from "../api/types";
import type { DesiredSecret, Manager, SourceSecret } from "../domain/model";
import { buildDesiredSecrets } from "../domain/desired";
import { parseDockerConfigRegistries } from "../domain/dockerconfig";
import { buildEventSummary, buildStatus, isStatusEqual } from "../domain/status";
import { FINALIZER, KIND_NAMESPACED } from "../constants";
import { emitEvent, setFinalizer, writeStatus } from "../k8s/report";
import type { WatcherCache } from "./cache";
import type { ManagerOutcome } from "./namespace";
import { countPodsReferencing } from "./pods";
import { isOwnedBy, isRecordingFor } from "./sources";
import { knownStuckPods } from "./stuck-pods";
import { knownCredentialChecks, startCredentialChecks } from "./verify";

export interface ManagerState {
  /** Namespaces queued by the last fan-out and not done yet. */
  pending: Set<string>;
  /** The latest outcome per namespace this manager is involved in. */
  outcomes: Map<string, ManagerOutcome>;
  /** Counts since the last Event. */
  counts: { created: number; updated: number; deleted: number; attached: number; detached: number };
  /** Cleanup checks that found something left (a deleting manager's retries back off with this). */
  cleanupAttempts?: number;
}

export const newManagerState = (): ManagerState => ({
  pending: new Set(),
  outcomes: new Map(),
  counts: { created: 0, updated: 0, deleted: 0, attached: 0, detached: 0 },
});

export function addCounts(s: ManagerState, o: ManagerOutcome) {
  s.counts.created += o.created;
  s.counts.updated += o.updated;
  s.counts.deleted += o.deleted;
  s.counts.attached += o.attached;
  s.counts.detached += o.detached;
}

/** The covered namespaces and, per namespace, the Secret names attachable there (from the last outcomes). */
export function buildAttachable(s: ManagerState) {
  const targets = [...s.outcomes.entries()].filter(([, o]) => o.covered).map(([ns]) => ns);
  const attachable = Object.fromEntries(targets.map(ns => [ns, s.outcomes.get(ns)!.attachable]));
  return { targets, attachable };
}

/** Writes status and one Event for a live manager. Returns false when a write failed somewhere. */
export async function flushLive(
  cache: WatcherCache,
  m: Manager,
  s: ManagerState,
): Promise<boolean> {
  const outcomes = [...s.outcomes.values()];
  const sources = cache.sourcesOf(m);
  const { targets, attachable } = buildAttachable(s);
  const desired = buildDesiredSecrets(m, targets.slice(0, 2), sources);
  const failures = outcomes.flatMap(o => o.failures);
  const problems: Problem[] = [...desired.problems, ...outcomes.flatMap(o => o.problems)];
  const dryRun = Boolean(m.spec.dryRun);
  const mode = m.spec.mode ?? "ServiceAccount";
  const stuck = knownStuckPods(s);
  const verify = knownCredentialChecks(cache, m, s);
  startCredentialChecks(cache, m, s);
  const status: ManagerStatus = buildStatus(m.status, {
    generation: m.generation,
    namespaces: targets.length,
    secrets: outcomes.reduce((n, o) => n + (o.covered ? o.attachable.length : 0), 0),
    serviceAccounts:
      mode === "ServiceAccount" ? outcomes.reduce((n, o) => n + o.serviceAccounts, 0) : undefined,
    pods: mode === "Pod" ? await countPodsReferencing(targets, attachable) : undefined,
    problems,
    failed: failures,
    missing: [...s.outcomes].flatMap(([ns, o]) =>
      o.missing.map(secret => ({ namespace: ns, secret })),
    ),
    dryRun,
    plan: dryRun ? outcomes.flatMap(o => o.planLines) : undefined,
    now: new Date().toISOString(),
    extra: { ...stuck, ...verify.fields },
    extraConditions: verify.conditions,
  });
  status.registries = buildRegistries(m, desired.secrets, sources);
  const before = m.status ?? {};
  if (!isStatusEqual(before, status)) {
    const stored = await writeStatus(m, status);
    if (stored) cache.managerInformer(m).upsert(stored);
  }
  const conflicts = problems.filter(
    p => p.reason === "SecretConflict" || p.reason === "ManagerConflict",
  );
  const changedProblems =
    JSON.stringify(before.problems ?? []) !== JSON.stringify(status.problems ?? []);
  const event = buildEventSummary({
    ...s.counts,
    conflicts: conflicts.length,
    failures: failures.length,
  });
  const wrote = Object.values(s.counts).some(n => n > 0);
  s.counts = { created: 0, updated: 0, deleted: 0, attached: 0, detached: 0 };
  if (dryRun && JSON.stringify(before.plan ?? []) !== JSON.stringify(status.plan ?? [])) {
    const n = status.plan?.length ?? 0;
    await emitEvent(
      m,
      "Normal",
      "DryRun",
      `Dry run: ${n} writes planned, none made. See status.plan.`,
    );
  } else if (event && !dryRun && (wrote || changedProblems || failures.length > 0)) {
    const details = [...problems.filter(p => p.reason === "WriteFailed"), ...conflicts]
      .slice(0, 3)
      .map(p => p.message);
    await emitEvent(m, event.type, event.reason, [event.message, ...details].join(" "));
  }
  return failures.length === 0;
}

/** A deleting manager: releases the finalizer once no namespace holds anything of it. */
export async function flushDeleting(
  cache: WatcherCache,
  m: Manager,
  s: ManagerState,
): Promise<boolean> {
  if (!m.finalizers?.includes(FINALIZER)) return true;
  const outcomes = [...s.outcomes.values()];
  const failures = outcomes.flatMap(o => o.failures);
  const owned = isOwnedBy(m);
  const proven = cache.ownership(m);
  const left =
    m.spec.deletionPolicy === "Orphan"
      ? 0
      : [...cache.secrets.values()].filter(e => owned(e) && proven(e) === "proven").length;
  const records = isRecordingFor(m);
  const recorded = [...cache.serviceAccounts.values()].filter(records).length;
  if (failures.length > 0 || left > 0 || recorded > 0) {
    const why = failures.length
      ? failures.slice(0, 3).join(" ")
      : `${left} Secrets and ${recorded} ServiceAccounts' references remain.`;
    if (failures.length > 0 || (s.cleanupAttempts ?? 0) >= 2)
      await emitEvent(m, "Warning", "CleanupFailed", `Cleanup incomplete, retrying: ${why}`);
    return false;
  }
  const summary =
    m.spec.deletionPolicy === "Orphan"
      ? `left ${s.counts.deleted} Secrets and their references in place (deletionPolicy Orphan)`
      : `deleted ${s.counts.deleted} Secrets, detached ${s.counts.detached} references`;
  await emitEvent(m, "Normal", "CleanedUp", `Manager deleted: ${summary}.`);
  const stored = await setFinalizer(m, false);
  if (stored) cache.managerInformer(m).upsert(stored);
  return true;
}

/** Registry hosts per attachable Secret name (no credentials), for admission's registry-aware Pod mode. */
function buildRegistries(m: Manager, desired: DesiredSecret[], sources: SourceSecret[]) {
  const byName = new Map<string, Set<string>>();
  const add = (name: string, hosts: string[]) => {
    const set = byName.get(name) ?? new Set<string>();
    hosts.forEach(h => set.add(h));
    byName.set(name, set);
  };
  desired.forEach(d => add(d.name, d.registries));
  if (m.kind === KIND_NAMESPACED) {
    sources.forEach(s =>
      add(s.name, parseDockerConfigRegistries(s.type ?? "", s.data ?? {}) ?? []),
    );
  }
  const out: SecretRegistries[] = [...byName.entries()]
    .map(([secret, hosts]) => ({ secret, registries: [...hosts].sort() }))
    .sort((a, b) => a.secret.localeCompare(b.secret));
  return out.length ? out : undefined;
}
