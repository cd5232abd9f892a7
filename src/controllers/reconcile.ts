// Level-triggered reconcile of one manager: read the world, compute the whole desired state, write the
// difference, report status and one aggregated Event. Returns false when something must be retried.
import type { Problem, SecretRegistries } from "../api/types";
import type { DesiredSecret, Manager } from "../domain/model";
import { buildDesiredSecrets } from "../domain/desired";
import { buildAsIsNames, buildEntryNames } from "../domain/entries";
import { buildManagerId, buildManagerKey } from "../domain/ids";
import { planSecrets } from "../domain/plan";
import { buildTargetNamespaces } from "../domain/selection";
import { buildEventSummary, buildStatus, isStatusEqual } from "../domain/status";
import { parseDockerConfigRegistries } from "../domain/dockerconfig";
import { KIND_NAMESPACED, LABEL_MANAGER } from "../constants";
import { listSecretsNamed } from "../k8s/secrets";
import { emitEvent as report, setFinalizer, writeStatus } from "../k8s/report";
import { applySecretPlan } from "./apply-secrets";
import { reconcileServiceAccounts } from "./attach";
import { cleanupManager } from "./cleanup";
import { countPodsReferencing } from "./pods";
import { readSnapshot, readSources, Snapshot } from "./snapshot";
import { metrics } from "../metrics";

export async function reconcileManager(key: string): Promise<boolean> {
  const started = performance.now();
  let ok = false;
  try {
    const snapshot = await readSnapshot();
    const m = snapshot.managers.find(x => buildManagerKey(x) === key);
    ok = !m || (m.deleting ? await cleanupManager(snapshot, m) : await reconcileLive(snapshot, m));
    return ok;
  } finally {
    metrics.reconciled(started, ok);
  }
}

async function reconcileLive(snapshot: Snapshot, m: Manager): Promise<boolean> {
  const dryRun = Boolean(m.spec.dryRun);
  const id = buildManagerId(m);
  if (!dryRun) await setFinalizer(m, true);

  const targets = buildTargetNamespaces(m, snapshot.namespaces);
  const sources = await readSources(m);
  const desired = buildDesiredSecrets(m, targets, sources);
  const desiredNames = [...new Set(desired.secrets.map(d => d.name))];
  const sameName = await listSecretsNamed(desiredNames, targets);
  const owned = snapshot.managedSecrets.filter(s => s.labels?.[LABEL_MANAGER] === id);
  const existing = [
    ...owned,
    ...sameName.filter(s => !owned.some(o => o.namespace === s.namespace && o.name === s.name)),
  ];
  const plan = planSecrets(id, desired.secrets, existing);
  const writes = await applySecretPlan(plan, dryRun);
  const attachableOfM = buildAttachable(m, targets, writes.attachable, buildAsIsNames(m, sources));

  const touched = [
    ...new Set([...targets, ...owned.map(s => s.namespace), ...(m.namespace ? [m.namespace] : [])]),
  ];
  const mode = m.spec.mode ?? "ServiceAccount";
  const attach = await reconcileServiceAccounts(
    snapshot,
    m,
    touched,
    mode === "ServiceAccount" ? attachableOfM : {},
    dryRun,
  );
  const pods = mode === "Pod" ? await countPodsReferencing(targets, attachableOfM) : undefined;

  const failures = [...writes.failures, ...attach.failures];
  const problems: Problem[] = [...desired.problems, ...plan.problems, ...failures];
  const attachable = Object.values(attachableOfM).reduce((n, names) => n + names.length, 0);
  const status = buildStatus(m.status, {
    generation: m.generation,
    namespaces: targets.length,
    secrets: attachable,
    serviceAccounts: mode === "ServiceAccount" ? attach.serviceAccounts : undefined,
    pods,
    problems,
    failed: failures.map(f => f.message),
    dryRun,
    plan: dryRun ? [...writes.planLines, ...attach.planLines] : undefined,
    now: new Date().toISOString(),
  });
  status.registries = buildRegistries(m, desired.secrets, sources);
  if (!isStatusEqual(m.status ?? {}, status)) await writeStatus(m, status);

  const event = buildEventSummary({
    created: writes.created,
    updated: writes.updated,
    deleted: writes.deleted,
    attached: attach.attached,
    detached: attach.detached,
    conflicts: plan.problems.length,
    failures: failures.length,
  });
  const changedProblems =
    JSON.stringify(m.status?.problems ?? []) !== JSON.stringify(status.problems ?? []);
  if (dryRun && JSON.stringify(m.status?.plan ?? []) !== JSON.stringify(status.plan ?? [])) {
    await report(
      m,
      "Normal",
      "DryRun",
      `Dry run: ${status.plan?.length ?? 0} writes planned, none made. See status.plan.`,
    );
  } else if (event && (wrote(writes, attach) || changedProblems || failures.length > 0)) {
    const details = [...failures, ...plan.problems].slice(0, 3).map(p => p.message);
    await report(m, event.type, event.reason, [event.message, ...details].join(" "));
  }
  // A dry run only describes its Secret writes (and makes no reference changes): count none.
  metrics.countWrites(
    dryRun ? { created: 0, updated: 0, deleted: 0 } : writes,
    attach,
    plan.problems.length,
  );
  return failures.length === 0;
}

/** Per target namespace, in spec order: what the plan made ours plus what is attached as it is. */
function buildAttachable(
  m: Manager,
  targets: string[],
  written: Record<string, string[]>,
  asIs: Record<string, string[]>,
) {
  const order = buildEntryNames(m);
  return Object.fromEntries(
    targets.map(ns => {
      const ok = new Set([...(written[ns] ?? []), ...(asIs[ns] ?? [])]);
      return [ns, order.filter(n => ok.has(n))];
    }),
  );
}

const wrote = (
  w: { created: number; updated: number; deleted: number },
  a: { attached: number; detached: number },
) => w.created + w.updated + w.deleted + a.attached + a.detached > 0;

/** Registry hosts per attachable Secret name (no credentials), for admission's registry-aware Pod mode. */
function buildRegistries(
  m: Manager,
  desired: DesiredSecret[],
  sources: { name: string; type?: string; data?: Record<string, string> }[],
) {
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
