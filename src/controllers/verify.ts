// Credential health (spec.verify, src/domain/verify.ts), in the watcher only (admission never checks). When a
// live manager's status is flushed (report.ts flushLive) its due checks start in the background: each credential
// of each entry (inline, or each auth key of a source Secret) once when it is first seen or changes, then every
// intervalMinutes; a registry host at most once a minute (CHEIRON_VERIFY_REGISTRY_SPACING_MS) across managers.
// Results live in memory with the manager's state (a restart checks again); when a round ends the manager's
// flush is queued so that status.credentials and the CredentialsValid condition are written, and a timer queues
// it again when the next check falls due. A result that turns bad gives a Warning Event; every result counts in
// a metric. The manager's kind and the operator's settings make the verify policy (src/domain/verify-policy.ts):
// which addresses a check may contact and whether status and Events carry the detail (cluster managers) or only
// fixed messages (namespaced ones); the log has the detail. Credentials are never logged: messages and details
// come from src/k8s/registry-check.ts.
import { Log } from "pepr";
import type { CredentialCheck } from "../api/types";
import type { Manager } from "../domain/model";
import type { ConditionInput } from "../domain/status";
import { buildManagerKey } from "../domain/ids";
import {
  buildCredentialChecks,
  buildCredentialsCondition,
  buildTurnedBadEvent,
  buildVerifyInterval,
  isVerifyEnabled,
  planChecks,
  StoredResult,
} from "../domain/verify";
import {
  buildCredentialKey,
  buildCredentials,
  buildRegistryEndpoint,
  Credential,
} from "../domain/verify-credentials";
import { buildVerifyPolicy, VerifyPolicy } from "../domain/verify-policy";
import { checkRegistryCredential } from "../k8s/registry-check";
import { withSignal } from "../k8s/cancel";
import { emitEvent } from "../k8s/report";
import { metrics } from "../metrics";
import { settings } from "../settings";
import type { WatcherCache } from "./cache";
import type { ManagerState } from "./report";

interface Memory {
  results: Map<string, StoredResult>;
  running: boolean;
  timer?: NodeJS.Timeout;
}

const memories = new WeakMap<ManagerState, Memory>();
/** Per registry host, when it was last contacted (by any manager), within the last spacing. */
const contacted = new Map<string, number>();
let requeueFlush: ((managerKey: string) => void) | undefined;

/** The controller's hook: queue a manager's flush (when checks end, and when the next ones fall due). */
export function onCredentialChecks(requeue: (managerKey: string) => void): void {
  requeueFlush = requeue;
}

const memoryOf = (s: ManagerState): Memory => {
  if (!memories.has(s)) memories.set(s, { results: new Map(), running: false });
  return memories.get(s)!;
};

export interface KnownChecks {
  fields: { credentials?: CredentialCheck[] };
  conditions: ConditionInput[];
}

/** The status fields and condition from the results so far (none when spec.verify is off). No I/O. */
export function knownCredentialChecks(
  cache: WatcherCache,
  m: Manager,
  s: ManagerState,
): KnownChecks {
  if (!isVerifyEnabled(m.spec.verify)) return { fields: {}, conditions: [] };
  const creds = buildCredentials(m, cache.sourcesOf(m));
  const checks = buildCredentialChecks(creds, memoryOf(s).results);
  return {
    fields: checks.length ? { credentials: checks } : {},
    conditions: [buildCredentialsCondition(creds.length, checks)],
  };
}

/** Starts the due checks in the background (one round at a time per manager) and arms the next-due timer. */
export function startCredentialChecks(cache: WatcherCache, m: Manager, s: ManagerState): void {
  const mem = memoryOf(s);
  clearTimeout(mem.timer);
  mem.timer = undefined;
  if (!isVerifyEnabled(m.spec.verify) || m.deleting) {
    mem.results.clear();
    return;
  }
  if (mem.running) return;
  const creds = buildCredentials(m, cache.sourcesOf(m));
  const keys = new Set(creds.map(buildCredentialKey));
  for (const k of [...mem.results.keys()]) if (!keys.has(k)) mem.results.delete(k);
  const now = Date.now();
  const interval = buildVerifyInterval(m.spec.verify);
  const current = settings();
  const { verifyRegistrySpacingMs: spacing, verifyTimeoutMs: timeout } = current;
  // A contact older than the spacing no longer limits anything: forget it (the map stays bounded by the hosts
  // contacted within the last spacing, whatever managers and registries come and go).
  for (const [host, at] of contacted) if (at + spacing <= now) contacted.delete(host);
  const plan = planChecks(creds, mem.results, contacted, now, interval, spacing);
  const key = buildManagerKey(m);
  if (plan.due.length === 0) {
    if (plan.nextAt !== undefined) {
      mem.timer = setTimeout(() => requeueFlush?.(key), Math.max(0, plan.nextAt - now) + 50);
      mem.timer.unref?.();
    }
    return;
  }
  mem.running = true;
  plan.due.forEach(c => contacted.set(buildRegistryEndpoint(c.registry).host, now));
  const policy = buildVerifyPolicy(m.kind, current);
  // The checks outlive the run that starts them: they are not cancelled with it (src/k8s/cancel.ts).
  void withSignal(undefined, () =>
    Promise.all(plan.due.map(c => checkOne(m, mem, c, timeout, policy))),
  )
    .catch(e => Log.warn({ manager: key, error: String(e) }, "Cheiron credential checks failed"))
    .finally(() => {
      mem.running = false;
      requeueFlush?.(key);
    });
}

async function checkOne(
  m: Manager,
  mem: Memory,
  c: Credential,
  timeoutMs: number,
  policy: VerifyPolicy,
) {
  const { result, message, detail } = await checkRegistryCredential(c, timeoutMs, policy);
  const k = buildCredentialKey(c);
  const before = mem.results.get(k);
  mem.results.set(k, { hash: c.hash, at: Date.now(), result, message });
  metrics.credentialChecked(result);
  Log.info(
    { manager: buildManagerKey(m), secret: c.secret, registry: c.registry, result, detail },
    "Cheiron checked a registry credential",
  );
  const event = buildTurnedBadEvent(c, before, { result, message });
  if (event) await emitEvent(m, "Warning", event.reason, event.message);
}
