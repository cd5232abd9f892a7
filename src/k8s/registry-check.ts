// One credential check against a registry, the way a container runtime logs in: `GET /v2/`; on a 401 the
// challenge in WWW-Authenticate: Basic (the same GET with the credentials) or Bearer (a token request to its
// realm for its service, without a scope, as `docker login` makes, then `GET /v2/` with the token). https unless
// the entry says `http://`; no redirect followed. The verify policy (src/domain/verify-policy.ts) decides which
// addresses (registry-check-address.ts) and token realms may be contacted, and whether status shows the detail
// (status codes, error codes, hosts; never a credential, token or header) or a fixed message.
import type { CredentialResult } from "../api/types";
import { buildRegistryEndpoint, parseChallenge } from "../domain/verify-credentials";
import {
  buildReportedOutcome,
  CheckFinding,
  checkTokenRealm,
  VerifyPolicy,
} from "../domain/verify-policy";
import { AddressNotAllowed, buildGet, Get, Resolve, systemResolve } from "./registry-check-address";

export interface CheckOutcome {
  result: CredentialResult;
  /** What status and Events show (see buildReportedOutcome). */
  message: string;
  /** The full detail, for the watcher's log. */
  detail: string;
}

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
const unreachable = (detail: string): CheckFinding => ({
  result: "Unreachable",
  kind: "unreachable",
  detail,
});
const verdict = (status: number, what: string): CheckFinding =>
  status >= 200 && status < 300
    ? {
        result: "Valid",
        kind: "accepted",
        detail: `${what} accepted the credentials (HTTP ${status})`,
      }
    : status === 401 || status === 403
      ? { result: "Rejected", kind: "rejected", detail: `${what} answered HTTP ${status}` }
      : unreachable(`${what} answered HTTP ${status}`);

/** A token from a token service's JSON reply (`token` or `access_token`), or undefined. */
function readToken(body: string): string | undefined {
  try {
    const doc = JSON.parse(body) as { token?: unknown; access_token?: unknown };
    const t = doc.token ?? doc.access_token;
    return typeof t === "string" && t ? t : undefined;
  } catch {
    return undefined;
  }
}

async function checkBearer(
  fetch: Get,
  v2: URL,
  challenge: { realm: string; service?: string },
  cred: { registry: string; username: string; password: string },
  policy: VerifyPolicy,
): Promise<CheckFinding> {
  const endpoint = buildRegistryEndpoint(cred.registry);
  const refused = checkTokenRealm(
    challenge.realm,
    endpoint.host,
    endpoint.plainHttp,
    policy.realms,
  );
  if (refused) return { result: "Unreachable", kind: "not-allowed", detail: refused };
  const realm = new URL(challenge.realm);
  if (challenge.service) realm.searchParams.set("service", challenge.service);
  const tokenReply = await fetch(realm, { Authorization: basic(cred.username, cred.password) });
  if (tokenReply.status < 200 || tokenReply.status >= 300)
    return verdict(tokenReply.status, `the token service ${realm.host}`);
  const token = readToken(tokenReply.body);
  if (!token) return unreachable(`the token service ${realm.host} returned no token`);
  const again = await fetch(v2, { Authorization: `Bearer ${token}` });
  return verdict(again.status, "the registry");
}

async function findRegistryCredential(
  cred: { registry: string; username: string; password: string },
  fetch: Get,
  policy: VerifyPolicy,
): Promise<CheckFinding> {
  const endpoint = buildRegistryEndpoint(cred.registry);
  let v2: URL;
  try {
    v2 = new URL(`${endpoint.base}/v2/`);
  } catch {
    return unreachable("the registry is not a valid host");
  }
  try {
    const first = await fetch(v2, {});
    if (first.status >= 200 && first.status < 300)
      return {
        result: "Valid",
        kind: "open",
        detail: `the registry needs no credentials (HTTP ${first.status})`,
      };
    if (first.status !== 401)
      return unreachable(`the registry answered HTTP ${first.status} to GET /v2/`);
    const challenge = parseChallenge(first.header);
    if (challenge?.scheme === "Basic") {
      const again = await fetch(v2, { Authorization: basic(cred.username, cred.password) });
      return verdict(again.status, "the registry");
    }
    if (challenge?.scheme === "Bearer")
      return await checkBearer(fetch, v2, challenge, cred, policy);
    const name = challenge?.scheme === "Other" ? challenge.name : "none";
    return unreachable(
      `the registry asks for an authentication scheme Cheiron cannot answer (${name})`,
    );
  } catch (e) {
    if (e instanceof AddressNotAllowed)
      return { result: "Unreachable", kind: "not-allowed", detail: e.message };
    const err = e as NodeJS.ErrnoException;
    const why = String(err.code ?? err.message ?? "request failed").slice(0, 200);
    return unreachable(`${endpoint.host}: ${why}`);
  }
}

/**
 * Checks one credential against its registry under a verify policy: Valid, Rejected or Unreachable, with the
 * message status and Events may show and the detail for the log.
 */
export async function checkRegistryCredential(
  cred: { registry: string; username: string; password: string },
  timeoutMs: number,
  policy: VerifyPolicy,
  resolve: Resolve = systemResolve,
): Promise<CheckOutcome> {
  const finding = await findRegistryCredential(cred, buildGet(policy, resolve, timeoutMs), policy);
  return { ...buildReportedOutcome(finding, policy), detail: finding.detail };
}
