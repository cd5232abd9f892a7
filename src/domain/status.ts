// A manager's status (conditions, counts, bounded problems and plan) and the Event summarising a run.
import { equals } from "ramda";
import type { Condition, ManagerStatus, Problem, UnattachableSecret } from "../api/types";
import { MAX_STATUS_PROBLEMS } from "../constants";

export const MAX_STATUS_PLAN = 50;
/** status.unattachable lists at most this many namespaces in all (the CRD's bound). */
export const MAX_UNATTACHABLE_NAMESPACES = 5000;

export type ConditionInput = Pick<Condition, "type" | "status" | "reason" | "message">;

/** The next conditions, keeping a previous lastTransitionTime when that condition's status is unchanged. */
export function buildConditions(
  prev: Condition[] | undefined,
  next: ConditionInput[],
  now: string,
  generation: number,
): Condition[] {
  return next.map(c => {
    const before = prev?.find(p => p.type === c.type);
    const lastTransitionTime =
      before && before.status === c.status ? before.lastTransitionTime : now;
    return { ...c, lastTransitionTime, observedGeneration: generation };
  });
}

export interface StatusInput {
  generation: number;
  namespaces: number;
  secrets: number;
  serviceAccounts?: number;
  pods?: number;
  problems: Problem[];
  /** Write failures, one line each; already in problems as WriteFailed. */
  failed: string[];
  /** Secrets that do not exist in a namespace because their write failed there. */
  missing?: { namespace: string; secret: string }[];
  dryRun: boolean;
  plan?: string[];
  now: string;
  /** Further status fields to carry as they are (the computed fields above take precedence). */
  extra?: Partial<ManagerStatus>;
  /** Conditions after Ready and Degraded (CredentialsValid). */
  extraConditions?: ConditionInput[];
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byProblem = (a: Problem, b: Problem): number =>
  compare(a.namespace, b.namespace) ||
  compare(a.secret ?? "", b.secret ?? "") ||
  compare(a.reason, b.reason) ||
  compare(a.message, b.message);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function readyCondition(input: StatusInput, writeFailures: Problem[]): ConditionInput {
  const failures = Math.max(input.failed.length, writeFailures.length);
  if (failures > 0) {
    const first = input.failed[0] ?? writeFailures[0].message;
    const message = `${plural(failures, "write")} failed; first: ${first}`;
    return { type: "Ready", status: "False", reason: "ReconcileFailed", message };
  }
  if (input.dryRun) {
    const planned = plural(input.plan?.length ?? 0, "planned write");
    const message = `Dry run: ${planned}, listed in status.plan; nothing was written.`;
    return { type: "Ready", status: "True", reason: "DryRun", message };
  }
  const message = `${plural(input.secrets, "Secret")} in ${plural(input.namespaces, "namespace")} reconciled.`;
  return { type: "Ready", status: "True", reason: "Reconciled", message };
}

function degradedCondition(sorted: Problem[]): ConditionInput {
  if (sorted.length === 0) {
    return { type: "Degraded", status: "False", reason: "NoProblems", message: "No problems." };
  }
  const message = `${plural(sorted.length, "problem")}; first: ${sorted[0].message}`;
  return { type: "Degraded", status: "True", reason: sorted[0].reason, message };
}

function boundPlan(plan: string[]): string[] {
  if (plan.length <= MAX_STATUS_PLAN) return [...plan];
  const kept = plan.slice(0, MAX_STATUS_PLAN - 1);
  return [...kept, `... and ${plan.length - kept.length} more`];
}

const CONFLICTS = new Set(["SecretConflict", "ManagerConflict"]);

/**
 * Per Secret name, the namespaces where the manager's Secret is not to be referenced: it is missing (its create
 * failed) or a Secret of that name there is not the manager's. Not capped like problems (admission reads it), only
 * bounded by MAX_UNATTACHABLE_NAMESPACES; sorted, so equal states compare equal.
 */
export function buildUnattachable(
  problems: Problem[],
  missing: { namespace: string; secret: string }[],
): UnattachableSecret[] | undefined {
  const pairs = [
    ...missing,
    ...problems.filter(p => p.secret !== undefined && CONFLICTS.has(p.reason)),
  ].map(p => `${p.secret}\u0000${p.namespace}`);
  const kept = [...new Set(pairs)].sort(compare).slice(0, MAX_UNATTACHABLE_NAMESPACES);
  const out: UnattachableSecret[] = [];
  for (const pair of kept) {
    const [secret, namespace] = pair.split("\u0000");
    if (out.at(-1)?.secret !== secret) out.push({ secret, namespaces: [] });
    out.at(-1)!.namespaces.push(namespace);
  }
  return out.length ? out : undefined;
}

/**
 * Ready is False (ReconcileFailed) when a write failed, else True (Reconciled, or DryRun); Degraded
 * is True with the first problem's reason while there are problems. Problems are sorted and cut to
 * MAX_STATUS_PROBLEMS (problemCount has the total); the plan is cut to MAX_STATUS_PLAN lines.
 */
export function buildStatus(prev: ManagerStatus | undefined, input: StatusInput): ManagerStatus {
  // Write failures first: the most urgent to read (admission reads status.unattachable, not this capped list).
  const failedFirst = (a: Problem, b: Problem) =>
    Number(b.reason === "WriteFailed") - Number(a.reason === "WriteFailed") || byProblem(a, b);
  const sorted = [...input.problems].sort(failedFirst);
  const writeFailures = sorted.filter(p => p.reason === "WriteFailed");
  const conditions = buildConditions(
    prev?.conditions,
    [
      readyCondition(input, writeFailures),
      degradedCondition(sorted),
      ...(input.extraConditions ?? []),
    ],
    input.now,
    input.generation,
  );
  return {
    ...(input.extra ?? {}),
    observedGeneration: input.generation,
    conditions,
    namespaces: input.namespaces,
    secrets: input.secrets,
    ...(input.serviceAccounts !== undefined ? { serviceAccounts: input.serviceAccounts } : {}),
    ...(input.pods !== undefined ? { pods: input.pods } : {}),
    problems: sorted.slice(0, MAX_STATUS_PROBLEMS),
    problemCount: sorted.length,
    ...(input.plan !== undefined ? { plan: boundPlan(input.plan) } : {}),
    unattachable: buildUnattachable(input.problems, input.missing ?? []),
  };
}

/** Deep equality as JSON sees it: key order and keys holding undefined do not matter. */
export function isStatusEqual(a: ManagerStatus | undefined, b: ManagerStatus | undefined): boolean {
  const json = (s: ManagerStatus | undefined): unknown =>
    s === undefined ? undefined : JSON.parse(JSON.stringify(s));
  return equals(json(a), json(b));
}

export interface RunCounts {
  created: number;
  updated: number;
  deleted: number;
  attached: number;
  detached: number;
  conflicts: number;
  failures: number;
}

export interface EventSummary {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/** One Event for a run: undefined when nothing happened, Warning on conflicts or failures. */
export function buildEventSummary(counts: RunCounts): EventSummary | undefined {
  const { created, updated, deleted, attached, detached, conflicts, failures } = counts;
  if (Object.values(counts).every(n => n === 0)) return undefined;
  const parts = [
    `created ${created}, updated ${updated}, deleted ${deleted} Secrets`,
    `attached ${attached}, detached ${detached} references`,
    ...(conflicts > 0 ? [plural(conflicts, "conflict")] : []),
    ...(failures > 0 ? [plural(failures, "failure")] : []),
  ];
  const reason = failures > 0 ? "ReconcileFailed" : conflicts > 0 ? "Conflict" : "Reconciled";
  const type = failures > 0 || conflicts > 0 ? "Warning" : "Normal";
  return { type, reason, message: parts.join("; ") };
}
