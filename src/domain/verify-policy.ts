// Credential health (spec.verify): what a check may contact and what it may report. Pure. The operator's settings
// (src/settings.ts: CHEIRON_VERIFY_ALLOW_PRIVATE, CHEIRON_VERIFY_ALLOW_CIDRS, CHEIRON_VERIFY_TOKEN_REALMS) and the
// manager's kind make a VerifyPolicy; src/k8s/registry-check.ts follows it. A namespaced manager may be created
// by a tenant, so its checks reach no private range unless the operator allows it, and its status and Events
// read only the fixed messages below (the watcher's log has the detail).
import type { CredentialResult } from "../api/types";
import type { ManagerKind } from "./model";
import { AddressPolicy, parseCidrs } from "./verify-address";

/** Which managers' checks may contact private ranges: cluster managers only (default), all, or none. */
export type PrivateAccess = "cluster" | "all" | "none";
/**
 * Where a Bearer challenge's token service may be: https on the registry's domain (default), https anywhere, or
 * also plain http when the registry itself is (the behaviour before these rules).
 */
export type RealmRule = "registry-domain" | "https" | "any";

export interface VerifySettings {
  verifyAllowPrivate: PrivateAccess;
  verifyAllowCidrs: string;
  verifyTokenRealms: RealmRule;
}

export interface VerifyPolicy extends AddressPolicy {
  realms: RealmRule;
  /** Status and Events may carry status codes, error codes and addresses (cluster managers). */
  detail: boolean;
}

export function buildVerifyPolicy(kind: ManagerKind, s: VerifySettings): VerifyPolicy {
  const cluster = kind === "ClusterImagePullSecretManager";
  const allowPrivate =
    s.verifyAllowPrivate === "all" || (cluster && s.verifyAllowPrivate === "cluster");
  return {
    allowPrivate,
    allowCidrs: parseCidrs(s.verifyAllowCidrs),
    realms: s.verifyTokenRealms,
    detail: cluster,
  };
}

/** host[:port] or [v6]:port without the port, lowercased. */
const hostname = (host: string) =>
  host
    .toLowerCase()
    .replace(/^\[(.*)\](:\d+)?$/, "$1")
    .replace(/^([^:]*):\d+$/, "$1");

/** The domain a registry host's token services may be in: the host minus its first label, if that leaves two. */
function registryDomain(host: string): string | undefined {
  const labels = host.split(".");
  return labels.length >= 3 && !/^\d+$/.test(labels[labels.length - 1])
    ? labels.slice(1).join(".")
    : undefined;
}

/**
 * Why a Bearer challenge's token realm may not be asked for a token, or undefined when it may. registry-domain:
 * https, on the registry's host or in its domain (registry-1.docker.io → auth.docker.io, registry.gitlab.com →
 * gitlab.com; an IP address or a two-label host: that host only). https: https on any host. any: https, or http
 * when the registry is plain http. The realm's address is checked like the registry's in every case.
 */
export function checkTokenRealm(
  realm: string,
  registryHost: string,
  registryPlainHttp: boolean,
  rule: RealmRule,
): string | undefined {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return "the token realm is not a URL";
  }
  if (
    url.protocol !== "https:" &&
    !(rule === "any" && registryPlainHttp && url.protocol === "http:")
  )
    return `the token service is not HTTPS (${url.protocol}//${url.host}); credentials are not sent to it`;
  if (rule !== "registry-domain") return undefined;
  const [mine, theirs] = [hostname(registryHost), hostname(url.host)];
  const domain = registryDomain(mine);
  if (theirs === mine || (domain && (theirs === domain || theirs.endsWith(`.${domain}`))))
    return undefined;
  return `the token service ${url.host} is not on the registry's host or domain; credentials are not sent to it`;
}

/** What a check found, before it is reported: the result, a fixed kind and the detail. */
export interface CheckFinding {
  result: CredentialResult;
  kind: "accepted" | "open" | "rejected" | "unreachable" | "not-allowed";
  /** Status codes, error codes, hosts and addresses: never a credential, a token or a header. */
  detail: string;
}

/** The messages a namespaced manager's checks report, whatever the registry answered. */
export const FIXED_MESSAGES: Record<CheckFinding["kind"], string> = {
  accepted: "the registry accepted the credentials",
  open: "the registry needs no credentials",
  rejected: "the registry rejected the credentials",
  unreachable: "the registry could not be checked",
  "not-allowed":
    "not checked: the cluster's verify policy does not allow contacting this registry or its token service",
};

/** The result and message a manager's status and Events show: the detail only where the policy says so. */
export function buildReportedOutcome(
  f: CheckFinding,
  policy: Pick<VerifyPolicy, "detail">,
): { result: CredentialResult; message: string } {
  return { result: f.result, message: policy.detail ? f.detail : FIXED_MESSAGES[f.kind] };
}
