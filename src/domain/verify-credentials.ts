// Credential health (spec.verify), the pure parts of one check: which credentials a manager holds (inline
// entries and source Secrets alike resolve to docker config entries), where a registry's API is, and how its
// WWW-Authenticate challenge reads. src/k8s/registry-check.ts makes the requests. Credentials pass through here
// only into the values returned for the check itself; no message built here carries one.
import { createHash } from "node:crypto";
import { SECRET_TYPE_DOCKERCONFIGJSON } from "../constants";
import { buildRegistryHost, isRecord, parseDockerConfigAuths } from "./dockerconfig";
import { checkSource, resolveEntries } from "./entries";
import type { Manager, SourceSecret } from "./model";
import { buildReportedRegistry } from "./names";

/** One registry credential of a manager: a Secret name and one auth key of its docker config. */
export interface Credential {
  secret: string;
  /**
   * The auth key as written (`ghcr.io`, `https://index.docker.io/v1/`, `http://127.0.0.1:5000`), without userinfo
   * (buildReportedRegistry): it is reported in status, Events and logs.
   */
  registry: string;
  username: string;
  password: string;
  /** Changes when the registry, username or password change (kept in memory only). */
  hash: string;
}

export type Challenge =
  | { scheme: "Basic" }
  | { scheme: "Bearer"; realm: string; service?: string }
  | { scheme: "Other"; name: string };

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function buildHash(registry: string, username: string, password: string): string {
  return createHash("sha256")
    .update(JSON.stringify([registry, username, password]))
    .digest("hex")
    .slice(0, 16);
}

/** The username and password of one auths entry: its fields, else its `auth` (base64 user:password). */
function readAuth(v: unknown): { username: string; password: string } | undefined {
  if (!isRecord(v)) return undefined;
  const [username, password] = [str(v.username), str(v.password)];
  if (username && password !== undefined) return { username, password };
  const auth = str(v.auth);
  if (!auth) return undefined;
  const text = Buffer.from(auth, "base64").toString("utf8");
  const colon = text.indexOf(":");
  return colon > 0
    ? { username: text.slice(0, colon), password: text.slice(colon + 1) }
    : undefined;
}

/**
 * The registry credentials in a dockerconfigjson or dockercfg payload, by auth key (sorted), each key without
 * userinfo; of keys that differ only in userinfo the first one counts.
 */
export function parseDockerConfigCredentials(
  type: string,
  data: Record<string, string> | undefined,
): Omit<Credential, "secret" | "hash">[] {
  const auths = parseDockerConfigAuths(type, data);
  if (!auths) return [];
  const seen = new Set<string>();
  return Object.keys(auths)
    .sort()
    .flatMap(key => {
      const a = readAuth(auths[key]);
      const registry = buildReportedRegistry(key);
      if (!a || !buildRegistryHost(registry) || seen.has(registry)) return [];
      seen.add(registry);
      return [{ registry, ...a }];
    });
}

/** Every credential a manager provides: inline entries and each auth key of each readable source Secret. */
export function buildCredentials(m: Manager, sources: SourceSecret[]): Credential[] {
  const out: Credential[] = [];
  const add = (secret: string, c: Omit<Credential, "secret" | "hash">) =>
    out.push({ secret, ...c, hash: buildHash(c.registry, c.username, c.password) });
  for (const r of resolveEntries(m)) {
    if (r.kind === "placeholder") continue;
    if (r.kind === "inline") {
      const { registry, username = "", password = "" } = r.entry;
      if (username) add(r.name, { registry: buildReportedRegistry(registry), username, password });
      continue;
    }
    const check = checkSource(r.source, sources);
    if (!check.ok) continue;
    const { type = SECRET_TYPE_DOCKERCONFIGJSON, data } = check.secret;
    parseDockerConfigCredentials(type, data).forEach(c => add(r.name, c));
  }
  return out;
}

/** The key a credential's result is kept under. */
export const buildCredentialKey = (c: Pick<Credential, "secret" | "registry">): string =>
  `${c.secret}\u0000${c.registry}`;

export interface RegistryEndpoint {
  /** `https://host[:port]`, or `http://host[:port]` only when the entry says `http://`. */
  base: string;
  /** host[:port]: the unit of the once-a-minute limit. */
  host: string;
  plainHttp: boolean;
}

/** Where the registry API of an auth key is. Docker Hub's keys (`https://index.docker.io/v1/`) mean registry-1.docker.io. */
export function buildRegistryEndpoint(registry: string): RegistryEndpoint {
  const plainHttp = /^http:\/\//i.test(registry.trim());
  const bare = buildRegistryHost(registry);
  const host = bare === "docker.io" ? "registry-1.docker.io" : bare;
  return { base: `${plainHttp ? "http" : "https"}://${host}`, host, plainHttp };
}

/** Splits `a=b, c="d,e"` into parameters (keys lowercased). */
function parseParams(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let m = re.exec(text); m; m = re.exec(text))
    out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3];
  return out;
}

/**
 * The first challenge of a WWW-Authenticate header: Basic, Bearer with its realm and service (a Bearer without
 * a realm cannot be answered and reads as Other), or another scheme by name. Undefined for an empty header.
 */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  const text = (header ?? "").trim();
  const match = /^([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(text);
  if (!match) return undefined;
  const scheme = match[1].toLowerCase();
  if (scheme === "basic") return { scheme: "Basic" };
  if (scheme !== "bearer") return { scheme: "Other", name: match[1] };
  const params = parseParams(match[2]);
  if (!params.realm) return { scheme: "Other", name: "Bearer without realm" };
  return {
    scheme: "Bearer",
    realm: params.realm,
    ...(params.service ? { service: params.service } : {}),
  };
}
