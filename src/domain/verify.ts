// Credential health (spec.verify): which checks are due, the per-secret results in status, the CredentialsValid
// condition and which results warrant an Event. Pure: src/controllers/verify.ts keeps the results in memory and
// runs the checks (src/k8s/registry-check.ts).
import type { CredentialCheck, CredentialResult, VerifySpec } from "../api/types";
import { buildCredentialKey, buildRegistryEndpoint, Credential } from "./verify-credentials";
import type { ConditionInput } from "./status";
import { FIXED_MESSAGES } from "./verify-policy";

export const DEFAULT_VERIFY_INTERVAL_MINUTES = 360;
export const MIN_VERIFY_INTERVAL_MINUTES = 1;
export const MAX_VERIFY_INTERVAL_MINUTES = 10_080;
/** A registry is contacted at most once per this long, whatever the managers and credentials. */
export const REGISTRY_MIN_SPACING_MS = 60_000;
/** status.credentials lists at most this many results. */
export const MAX_STATUS_CREDENTIALS = 100;

/** The result of one check, as the controller keeps it. */
export interface StoredResult {
  hash: string;
  result: CredentialResult;
  /** Epoch ms of the check. */
  at: number;
  message: string;
}

export const isVerifyEnabled = (v: VerifySpec | undefined): boolean => v?.enabled === true;

/** spec.verify.intervalMinutes in ms, bounded (default DEFAULT_VERIFY_INTERVAL_MINUTES). */
export function buildVerifyInterval(v: VerifySpec | undefined): number {
  const n = v?.intervalMinutes;
  const ok =
    Number.isInteger(n) && n! >= MIN_VERIFY_INTERVAL_MINUTES && n! <= MAX_VERIFY_INTERVAL_MINUTES;
  return (ok ? n! : DEFAULT_VERIFY_INTERVAL_MINUTES) * 60_000;
}

export interface CheckPlan {
  /** Checks to run now: at most one per registry host. */
  due: Credential[];
  /** Epoch ms when the next check falls due (interval or spacing), if any. */
  nextAt?: number;
}

/**
 * A credential is due when it was never checked, changed since (hash), or its last check is `intervalMs` old.
 * A registry host contacted less than `spacingMs` ago (by any manager: `contacted`) waits; of several due
 * credentials of one host only the first runs now, the others after the spacing.
 */
export function planChecks(
  creds: Credential[],
  results: ReadonlyMap<string, StoredResult>,
  contacted: ReadonlyMap<string, number>,
  now: number,
  intervalMs: number,
  spacingMs: number,
): CheckPlan {
  const due: Credential[] = [];
  const taken = new Set<string>();
  let nextAt: number | undefined;
  const later = (t: number) => (nextAt = nextAt === undefined ? t : Math.min(nextAt, t));
  for (const c of creds) {
    const last = results.get(buildCredentialKey(c));
    const dueAt = !last || last.hash !== c.hash ? now : last.at + intervalMs;
    const host = buildRegistryEndpoint(c.registry).host;
    const freeAt = Math.max(dueAt, (contacted.get(host) ?? -Infinity) + spacingMs);
    if (freeAt > now) later(freeAt);
    else if (taken.has(host)) later(now + spacingMs);
    else {
      taken.add(host);
      due.push(c);
    }
  }
  return { due, nextAt };
}

/** status.credentials: one entry per credential checked at least once with its current content, sorted. */
export function buildCredentialChecks(
  creds: Credential[],
  results: ReadonlyMap<string, StoredResult>,
): CredentialCheck[] {
  return creds
    .flatMap(c => {
      const r = results.get(buildCredentialKey(c));
      if (!r || r.hash !== c.hash) return [];
      const checkedAt = new Date(r.at).toISOString().replace(/\.\d{3}Z$/, "Z");
      return [
        { secret: c.secret, registry: c.registry, result: r.result, checkedAt, message: r.message },
      ];
    })
    .sort((a, b) => a.secret.localeCompare(b.secret) || a.registry.localeCompare(b.registry))
    .slice(0, MAX_STATUS_CREDENTIALS);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const describe = (c: CredentialCheck) => `Secret ${c.secret} for ${c.registry}: ${c.message}`;

/**
 * CredentialsValid: False (CredentialRejected) when a registry rejected a credential, else False
 * (RegistryUnreachable) when one could not be checked, Unknown (Checking) while some are not checked yet, True
 * (CredentialsValid) when every registry accepted its credentials, True (NoCredentials) when there are none.
 */
export function buildCredentialsCondition(
  total: number,
  checks: CredentialCheck[],
): ConditionInput {
  const type = "CredentialsValid";
  const rejected = checks.filter(c => c.result === "Rejected");
  const unreachable = checks.filter(c => c.result === "Unreachable");
  if (rejected.length > 0)
    return {
      type,
      status: "False",
      reason: "CredentialRejected",
      message: `${plural(rejected.length, "credential")} rejected; first: ${describe(rejected[0])}`,
    };
  if (unreachable.length > 0)
    return {
      type,
      status: "False",
      reason: "RegistryUnreachable",
      message: `${plural(unreachable.length, "credential")} could not be checked; first: ${describe(unreachable[0])}`,
    };
  if (total === 0)
    return { type, status: "True", reason: "NoCredentials", message: "No credentials to check." };
  if (checks.length < total)
    return {
      type,
      status: "Unknown",
      reason: "Checking",
      message: `${checks.length} of ${plural(total, "credential")} checked so far.`,
    };
  return {
    type,
    status: "True",
    reason: "CredentialsValid",
    message: `${plural(total, "credential")} accepted by their registries.`,
  };
}

/** An Event for a result that turned bad (from nothing or from another result): its reason and message. */
export function buildTurnedBadEvent(
  c: Pick<Credential, "secret" | "registry">,
  before: StoredResult | undefined,
  now: Pick<StoredResult, "result" | "message">,
): { reason: "CredentialRejected" | "RegistryUnreachable"; message: string } | undefined {
  if (now.result === "Valid" || before?.result === now.result) return undefined;
  const what = `Secret ${c.secret} for ${c.registry}`;
  const reason = now.result === "Rejected" ? "CredentialRejected" : "RegistryUnreachable";
  // A namespaced manager's message is already one of the fixed sentences: it is the whole message.
  if (Object.values(FIXED_MESSAGES).includes(now.message))
    return { reason, message: `${what}: ${now.message}.` };
  return now.result === "Rejected"
    ? {
        reason: "CredentialRejected",
        message: `${what}: the registry rejected the credentials (${now.message}).`,
      }
    : {
        reason: "RegistryUnreachable",
        message: `${what}: the registry could not be checked (${now.message}).`,
      };
}
