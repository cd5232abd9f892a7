// Runtime settings, read from the environment when first needed (never at import time).
import { REGISTRY_MIN_SPACING_MS } from "./domain/verify";
import type { PrivateAccess, RealmRule } from "./domain/verify-policy";

/** What each setting read so far defaults to and accepts: docs/operations.md's settings table is checked against it. */
export interface SettingSpec {
  default: string;
  min?: number;
}
const declared = new Map<string, SettingSpec>();
const warned = new Set<string>();

/** The settings declared by settings() (call it first), by environment variable. */
export function declaredSettings(): ReadonlyMap<string, SettingSpec> {
  return declared;
}

/** A refused value falls back to the default, with one warning per variable and value (never silently). */
function refuse(name: string, value: string, accepted: string, fallback: string) {
  if (warned.has(`${name}=${value}`)) return;
  warned.add(`${name}=${value}`);
  console.warn(
    `[cheiron] ${name}=${JSON.stringify(value)} is not ${accepted}; using the default ${fallback}`,
  );
}

/** The trimmed value, or undefined when unset or empty. */
const raw = (name: string) => process.env[name]?.trim() || undefined;

/** One of `values` (trimmed, lowercased), else the first. */
const oneOf = <T extends string>(name: string, values: readonly T[]): T => {
  declared.set(name, { default: values[0] });
  const v = raw(name)?.toLowerCase();
  const found = values.find(x => x === v);
  if (v !== undefined && !found) refuse(name, v, `one of ${values.join(", ")}`, values[0]);
  return found ?? values[0];
};

/** On unless set to "false" (any case). */
const flag = (name: string): boolean => {
  declared.set(name, { default: "true" });
  return raw(name)?.toLowerCase() !== "false";
};

/** Free text, trimmed; unset: empty. */
const text = (name: string): string => {
  declared.set(name, { default: "" });
  return raw(name) ?? "";
};

/** A number of at least `min`; unset or empty: the default. */
const num = (name: string, fallback: number, min: number) => {
  declared.set(name, { default: String(fallback), min });
  const v = raw(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (Number.isFinite(n) && n >= min) return n;
  refuse(name, v, `a number >= ${min}`, String(fallback));
  return fallback;
};

export interface Settings {
  /** Every manager is re-checked this often (default 300 s). */
  resyncSeconds: number;
  /** First retry delay after a failed reconcile (default 1 s), doubled per failure... */
  retryBaseMs: number;
  /** ...up to this cap (default 5 min). */
  retryMaxMs: number;
  /** One unit of work (a namespace, a fan-out, a status flush) counts as failed after this (default 5 min). */
  runDeadlineMs: number;
  /** Pods per list call when counting Pods in mode Pod (default 500). */
  podPageSize: number;
  /** The watcher installs and upgrades Cheiron's CRDs at start (default true; CHEIRON_MANAGE_CRDS=false: off). */
  manageCrds: boolean;
  /** spec.verify: a registry is contacted at most once per this long (default 60 s; a test may lower it). */
  verifyRegistrySpacingMs: number;
  /** spec.verify: each request of a credential check gives up after this (default 10 s). */
  verifyTimeoutMs: number;
  /**
   * spec.verify: which managers' checks may contact private ranges (CHEIRON_VERIFY_ALLOW_PRIVATE): "cluster"
   * (default: ClusterImagePullSecretManagers only), "all" or "none". Loopback and link-local: never.
   */
  verifyAllowPrivate: PrivateAccess;
  /**
   * spec.verify: addresses any manager's checks may contact whatever their range, as CIDRs separated by commas
   * (CHEIRON_VERIFY_ALLOW_CIDRS, default none): for a registry on one private address, or loopback in tests.
   */
  verifyAllowCidrs: string;
  /**
   * spec.verify: where a Bearer token service may be (CHEIRON_VERIFY_TOKEN_REALMS): "registry-domain" (default:
   * https on the registry's host or domain), "https" (https anywhere) or "any" (also http for an http registry).
   */
  verifyTokenRealms: RealmRule;
  /** A namespace created a moment ago is reconciled this long after its ADDED event (default 5 ms; 0: off). */
  newNamespaceDelayMs: number;
  /** The API client speaks HTTP/2 when the apiserver offers it (default; CHEIRON_API_HTTP2=false: HTTP/1.1). */
  apiHttp2: boolean;
  /** Namespaces reconciled at once (default 32, which HTTP/2 carries on 2 connections; 8 over HTTP/1.1). */
  workers: number;
  /** The API client's bound on HTTP/1.1 connections (CHEIRON_API_MAX_CONNECTIONS, default 12). */
  apiMaxConnections: number;
  /** HTTP/2 connections, at most apiMaxConnections (CHEIRON_API_HTTP2_CONNECTIONS, default 2). */
  apiHttp2Connections: number;
  /** HTTP/2 requests in flight at once (CHEIRON_API_MAX_IN_FLIGHT, default 64). */
  apiMaxInFlight: number;
  /** Deadline of one API request, its response body included (CHEIRON_API_TIMEOUT_MS, default 30 s). */
  apiTimeoutMs: number;
  /** An HTTP/2 connection nothing was read on for this long is sent a PING (default 30 s, as client-go). */
  apiHttp2ReadIdleMs: number;
  /** ...and retired when that PING gets no answer within this (default 15 s, as client-go). */
  apiHttp2PingTimeoutMs: number;
  /**
   * ServiceAccount writes in flight at once (CHEIRON_ADMITTED_WRITES, default 24). Each one is a call of the
   * admission webhooks, and the apiserver keeps at most 25 idle connections per webhook: above that, every
   * extra call costs a new TLS connection on both ends. Fewer (16) cost the apiserver and etcd their batching.
   */
  admittedWrites: number;
  /**
   * Pepr's info lines per admission request: "one" (default) keeps its "Check response" line (uid, namespace,
   * name, the answer); "all" keeps its six (CHEIRON_ADMISSION_REQUEST_LOGS).
   */
  admissionRequestLogs: "one" | "all";
  /**
   * An entry recorded for a manager the watcher's cache does not have is kept this long (watch lag), then
   * released where its Secret is absent or not Cheiron's (CHEIRON_UNKNOWN_OWNER_GRACE_SECONDS, default 300 s).
   */
  unknownOwnerGraceMs: number;
}

export function settings(): Settings {
  const apiHttp2 = flag("CHEIRON_API_HTTP2");
  return {
    resyncSeconds: num("CHEIRON_RESYNC_SECONDS", 300, 5),
    retryBaseMs: num("CHEIRON_RETRY_BASE_MS", 1000, 10),
    retryMaxMs: num("CHEIRON_RETRY_MAX_MS", 300_000, 100),
    runDeadlineMs: num("CHEIRON_RUN_DEADLINE_MS", 300_000, 1000),
    podPageSize: num("CHEIRON_POD_PAGE_SIZE", 500, 1),
    manageCrds: flag("CHEIRON_MANAGE_CRDS"),
    verifyRegistrySpacingMs: num("CHEIRON_VERIFY_REGISTRY_SPACING_MS", REGISTRY_MIN_SPACING_MS, 0),
    verifyTimeoutMs: num("CHEIRON_VERIFY_TIMEOUT_MS", 10_000, 100),
    verifyAllowPrivate: oneOf("CHEIRON_VERIFY_ALLOW_PRIVATE", ["cluster", "all", "none"] as const),
    verifyAllowCidrs: text("CHEIRON_VERIFY_ALLOW_CIDRS"),
    verifyTokenRealms: oneOf("CHEIRON_VERIFY_TOKEN_REALMS", [
      "registry-domain",
      "https",
      "any",
    ] as const),
    newNamespaceDelayMs: num("CHEIRON_NEW_NAMESPACE_DELAY_MS", 5, 0),
    apiHttp2,
    workers: num("CHEIRON_WORKERS", apiHttp2 ? 32 : 8, 1),
    apiMaxConnections: num("CHEIRON_API_MAX_CONNECTIONS", 12, 1),
    apiHttp2Connections: num("CHEIRON_API_HTTP2_CONNECTIONS", 2, 1),
    apiMaxInFlight: num("CHEIRON_API_MAX_IN_FLIGHT", 64, 1),
    apiTimeoutMs: num("CHEIRON_API_TIMEOUT_MS", 30_000, 1),
    apiHttp2ReadIdleMs: num("CHEIRON_API_HTTP2_READ_IDLE_MS", 30_000, 100),
    apiHttp2PingTimeoutMs: num("CHEIRON_API_HTTP2_PING_TIMEOUT_MS", 15_000, 100),
    admittedWrites: num("CHEIRON_ADMITTED_WRITES", 24, 1),
    admissionRequestLogs: oneOf("CHEIRON_ADMISSION_REQUEST_LOGS", ["one", "all"] as const),
    unknownOwnerGraceMs: num("CHEIRON_UNKNOWN_OWNER_GRACE_SECONDS", 300, 10) * 1000,
  };
}
