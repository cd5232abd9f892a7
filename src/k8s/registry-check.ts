// One credential check against a registry, the way a container runtime logs in: `GET /v2/`; on a 401 the
// challenge in WWW-Authenticate: Basic (the same GET with the credentials) or Bearer (a token request to its
// realm for its service, without a scope, as `docker login` makes, then `GET /v2/` with the token).
// https unless the entry itself says `http://`; credentials are never sent over plain HTTP otherwise (a
// token realm on http:// included). No redirect is followed. Messages name status codes and error codes,
// never a credential, a token or a header.
import http from "node:http";
import https from "node:https";
import type { CredentialResult } from "../api/types";
import { buildRegistryEndpoint, parseChallenge } from "../domain/verify-credentials";

export interface CheckOutcome {
  result: CredentialResult;
  message: string;
}

interface Reply {
  status: number;
  header: string | undefined;
  body: string;
}

const MAX_BODY = 64 * 1024;

/** One GET with a deadline for the whole exchange; the body is read up to MAX_BODY. */
function get(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<Reply> {
  const lib = url.protocol === "http:" ? http : https;
  return new Promise((resolve, reject) => {
    const options = {
      method: "GET",
      headers: { ...headers, Connection: "close" },
      timeout: timeoutMs,
    };
    const req = lib.request(url, options, res => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        if (body.length < MAX_BODY) body += d;
      });
      res.on("end", () => {
        clearTimeout(timer);
        const h = res.headers["www-authenticate"];
        resolve({ status: res.statusCode ?? 0, header: Array.isArray(h) ? h[0] : h, body });
      });
      res.on("error", reject);
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on("error", e => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
const unreachable = (message: string): CheckOutcome => ({ result: "Unreachable", message });
const verdict = (status: number, what: string): CheckOutcome =>
  status >= 200 && status < 300
    ? { result: "Valid", message: `${what} accepted the credentials (HTTP ${status})` }
    : status === 401 || status === 403
      ? { result: "Rejected", message: `${what} answered HTTP ${status}` }
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
  v2: URL,
  challenge: { realm: string; service?: string },
  cred: { username: string; password: string },
  plainHttp: boolean,
  timeoutMs: number,
): Promise<CheckOutcome> {
  let realm: URL;
  try {
    realm = new URL(challenge.realm);
  } catch {
    return unreachable("the registry's token realm is not a URL");
  }
  if (realm.protocol !== "https:" && !(realm.protocol === "http:" && plainHttp))
    return unreachable(
      `the registry's token service is not HTTPS (${realm.protocol}//${realm.host}); credentials are not sent to it`,
    );
  if (challenge.service) realm.searchParams.set("service", challenge.service);
  const auth = { Authorization: basic(cred.username, cred.password) };
  const tokenReply = await get(realm, auth, timeoutMs);
  if (tokenReply.status < 200 || tokenReply.status >= 300)
    return verdict(tokenReply.status, `the token service ${realm.host}`);
  const token = readToken(tokenReply.body);
  if (!token) return unreachable(`the token service ${realm.host} returned no token`);
  const again = await get(v2, { Authorization: `Bearer ${token}` }, timeoutMs);
  return verdict(again.status, "the registry");
}

/** Checks one credential against its registry: Valid, Rejected or Unreachable, with a safe message. */
export async function checkRegistryCredential(
  cred: { registry: string; username: string; password: string },
  timeoutMs: number,
): Promise<CheckOutcome> {
  const endpoint = buildRegistryEndpoint(cred.registry);
  let v2: URL;
  try {
    v2 = new URL(`${endpoint.base}/v2/`);
  } catch {
    return unreachable("the registry is not a valid host");
  }
  try {
    const first = await get(v2, {}, timeoutMs);
    if (first.status >= 200 && first.status < 300)
      return {
        result: "Valid",
        message: `the registry needs no credentials (HTTP ${first.status})`,
      };
    if (first.status !== 401)
      return unreachable(`the registry answered HTTP ${first.status} to GET /v2/`);
    const challenge = parseChallenge(first.header);
    if (challenge?.scheme === "Basic") {
      const again = await get(
        v2,
        { Authorization: basic(cred.username, cred.password) },
        timeoutMs,
      );
      return verdict(again.status, "the registry");
    }
    if (challenge?.scheme === "Bearer")
      return await checkBearer(v2, challenge, cred, endpoint.plainHttp, timeoutMs);
    const name = challenge?.scheme === "Other" ? challenge.name : "none";
    return unreachable(
      `the registry asks for an authentication scheme Cheiron cannot answer (${name})`,
    );
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = String(err.code ?? err.message ?? "request failed").slice(0, 200);
    return unreachable(`${endpoint.host}: ${why}`);
  }
}
