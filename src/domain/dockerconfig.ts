// Docker config payloads: auth keys, registry hosts, the .dockerconfigjson document and content hashes.
// Credential values pass through here but never end up in a return value other than the payload itself.
import { createHash } from "node:crypto";
import {
  DOCKER_HUB_AUTH_KEY,
  SECRET_TYPE_DOCKERCFG,
  SECRET_TYPE_DOCKERCONFIGJSON,
} from "../constants";

const DOCKER_HUB_HOST = "docker.io";
const DOCKER_HUB_HOSTS = [
  "docker.io",
  "index.docker.io",
  "registry-1.docker.io",
  "registry.hub.docker.com",
];
/** Paths that still mean "Docker Hub itself" on a Docker Hub host (`https://index.docker.io/v1/`). */
const DOCKER_HUB_PATHS = ["", "/v1", "/v2"];

interface RegistryParts {
  /** host[:port], lowercased, userinfo dropped. */
  host: string;
  /** The path after host[:port], without trailing slashes ("" for none). */
  path: string;
}

function splitRegistry(registry: string): RegistryParts {
  const bare = registry.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const slash = bare.indexOf("/");
  const authority = slash < 0 ? bare : bare.slice(0, slash);
  const path = slash < 0 ? "" : bare.slice(slash).replace(/\/+$/, "");
  return { host: authority.slice(authority.lastIndexOf("@") + 1).toLowerCase(), path };
}

const isDockerHubHost = (host: string): boolean => DOCKER_HUB_HOSTS.includes(host);

/** The key under `auths`: Docker Hub aliases become DOCKER_HUB_AUTH_KEY, others stay as written (trimmed, no trailing `/`). */
export function buildAuthKey(registry: string): string {
  const { host, path } = splitRegistry(registry);
  if (isDockerHubHost(host) && DOCKER_HUB_PATHS.includes(path)) return DOCKER_HUB_AUTH_KEY;
  return registry.trim().replace(/\/+$/, "");
}

/** The host[:port] of a registry (or auth key), lowercased; Docker Hub aliases become `docker.io`. */
export function buildRegistryHost(registry: string): string {
  const { host } = splitRegistry(registry);
  return isDockerHubHost(host) ? DOCKER_HUB_HOST : host;
}

export interface DockerConfigEntry {
  registry: string;
  username: string;
  password: string;
  email?: string;
}

interface DockerAuth {
  username: string;
  password: string;
  email?: string;
  auth: string;
}

const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/**
 * `{"auths":{...}}` with auth keys sorted and each entry's fields in a fixed order, so equal input
 * gives byte-equal output. When two entries share an auth key the first one wins.
 */
export function buildDockerConfigJson(entries: DockerConfigEntry[]): string {
  const byKey = new Map<string, DockerAuth>();
  for (const e of entries) {
    const key = buildAuthKey(e.registry);
    if (byKey.has(key)) continue;
    byKey.set(key, {
      username: e.username,
      password: e.password,
      ...(e.email !== undefined ? { email: e.email } : {}),
      auth: base64(`${e.username}:${e.password}`),
    });
  }
  const keys = [...byKey.keys()].sort();
  return JSON.stringify({ auths: Object.fromEntries(keys.map(k => [k, byKey.get(k)])) });
}

/** Hashes computed lately, by their input: a fan-out hashes the same content for every namespace, and again
 * for each answer and watch event of those Secrets. Started over when full. */
const MAX_REMEMBERED_HASHES = 1024;
let hashes = new Map<string, string>();

/** First 32 hex characters of sha256 over the type and the sorted data entries (a valid label value). */
export function buildContentHash(type: string, data: Record<string, string>): string {
  const entries = Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const input = JSON.stringify([type, entries]);
  let hash = hashes.get(input);
  if (hash === undefined) {
    hash = createHash("sha256").update(input).digest("hex").slice(0, 32);
    if (hashes.size >= MAX_REMEMBERED_HASHES) hashes = new Map();
    hashes.set(input, hash);
  }
  return hash;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function decodeJson(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(value, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
}

/** The `auths` map of a dockerconfigjson (or the whole dockercfg document); undefined for another type or bad JSON. */
export function parseDockerConfigAuths(
  type: string,
  data: Record<string, string> | undefined,
): Record<string, unknown> | undefined {
  let auths: unknown;
  if (type === SECRET_TYPE_DOCKERCONFIGJSON) {
    const doc = decodeJson(data?.[".dockerconfigjson"]);
    auths = isRecord(doc) ? doc.auths : undefined;
  } else if (type === SECRET_TYPE_DOCKERCFG) {
    auths = decodeJson(data?.[".dockercfg"]);
  }
  return isRecord(auths) ? auths : undefined;
}

/**
 * The registry hosts a dockerconfigjson or dockercfg Secret holds credentials for: sorted, unique.
 * Undefined for any other type or a payload that does not parse. Only keys are read, never values.
 */
export function parseDockerConfigRegistries(
  type: string,
  data: Record<string, string> | undefined,
): string[] | undefined {
  const auths = parseDockerConfigAuths(type, data);
  if (!auths) return undefined;
  const hosts = Object.keys(auths)
    .map(buildRegistryHost)
    .filter(h => h !== "");
  return [...new Set(hosts)].sort();
}
