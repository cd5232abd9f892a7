// How each spec.secrets entry of a manager resolves: inline credentials, an existing Secret used as it
// is (namespaced kind) or a source Secret copied into the targets (cluster kind).
import type { Problem, SecretEntry } from "../api/types";
import { KIND_NAMESPACED, SECRET_TYPE_DOCKERCFG, SECRET_TYPE_DOCKERCONFIGJSON } from "../constants";
import { parseDockerConfigRegistries } from "./dockerconfig";
import type { Manager, SourceSecret } from "./model";
import { isPlaceholderName } from "./names";

export type ResolvedEntry =
  | { kind: "inline"; name: string; entry: SecretEntry & { registry: string } }
  /** Namespaced kind: the Secret `name` in the manager's namespace, referenced as it is. */
  | { kind: "existing"; name: string; source: { namespace: string; name: string } }
  /** Cluster kind: `source` copied into every target namespace as `name`. */
  | { kind: "copy"; name: string; source: { namespace: string; name: string } }
  | { kind: "placeholder"; problem: Problem };

function placeholder(namespace: string, secret: string, what: string): ResolvedEntry {
  return {
    kind: "placeholder",
    problem: {
      namespace,
      secret,
      reason: "PlaceholderReference",
      message: `The ${what} "${secret}" is a placeholder; replace it with a real Secret name.`,
    },
  };
}

/**
 * The entries of a manager in spec order. Entries that name nothing usable (left to validation) are
 * dropped, and so is an entry whose Secret name an earlier entry already claimed (the first one wins).
 */
export function resolveEntries(m: Manager): ResolvedEntry[] {
  const claimed = new Set<string>();
  return resolveEach(m).filter(r => {
    if (r.kind === "placeholder") return true;
    if (claimed.has(r.name)) return false;
    claimed.add(r.name);
    return true;
  });
}

function resolveEach(m: Manager): ResolvedEntry[] {
  const home = m.kind === KIND_NAMESPACED ? (m.namespace ?? "") : "";
  const out: ResolvedEntry[] = [];
  for (const entry of m.spec.secrets ?? []) {
    const ref = entry.existingSecretRef;
    if (entry.registry !== undefined) {
      if (!entry.name) continue;
      out.push(
        isPlaceholderName(entry.name)
          ? placeholder(home, entry.name, "Secret name")
          : { kind: "inline", name: entry.name, entry: { ...entry, registry: entry.registry } },
      );
    } else if (ref?.name) {
      const sourceNs = m.kind === KIND_NAMESPACED ? home : (ref.namespace ?? "");
      const name = m.kind === KIND_NAMESPACED ? ref.name : (entry.name ?? ref.name);
      if (isPlaceholderName(ref.name))
        out.push(placeholder(sourceNs, ref.name, "existingSecretRef name"));
      else if (isPlaceholderName(sourceNs))
        out.push(placeholder(sourceNs, ref.name, "existingSecretRef namespace"));
      else if (isPlaceholderName(name)) out.push(placeholder(home, name, "Secret name"));
      else if (sourceNs) {
        const source = { namespace: sourceNs, name: ref.name };
        out.push({ kind: m.kind === KIND_NAMESPACED ? "existing" : "copy", name, source });
      }
    }
  }
  return out;
}

const PULL_SECRET_TYPES = [SECRET_TYPE_DOCKERCONFIGJSON, SECRET_TYPE_DOCKERCFG];
const REGISTRY_KEYS: Record<string, string> = {
  [SECRET_TYPE_DOCKERCONFIGJSON]: ".dockerconfigjson",
  [SECRET_TYPE_DOCKERCFG]: ".dockercfg",
};

/**
 * The data a copy of an image pull Secret carries: only the registry key of its type (`.dockerconfigjson` or
 * `.dockercfg`), never the source's other keys. Empty for any other type.
 */
export function buildRegistryData(
  type: string,
  data: Record<string, string> | undefined,
): Record<string, string> {
  const key = Object.hasOwn(REGISTRY_KEYS, type) ? REGISTRY_KEYS[type] : undefined;
  const value = key !== undefined ? data?.[key] : undefined;
  return key !== undefined && value !== undefined ? { [key]: value } : {};
}

export type SourceCheck =
  | { ok: true; secret: SourceSecret; registries: string[] }
  | { ok: false; problem: Problem };

/** Whether a referenced source Secret exists and is a readable image pull Secret. */
export function checkSource(
  ref: { namespace: string; name: string },
  sources: SourceSecret[],
): SourceCheck {
  const where = `${ref.namespace}/${ref.name}`;
  const problem = (reason: Problem["reason"], message: string): SourceCheck => ({
    ok: false,
    problem: { namespace: ref.namespace, secret: ref.name, reason, message },
  });
  const secret = sources.find(s => s.namespace === ref.namespace && s.name === ref.name);
  if (!secret) {
    return problem("SourceSecretMissing", `The referenced Secret ${where} does not exist.`);
  }
  const type = secret.type ?? "Opaque";
  if (!PULL_SECRET_TYPES.includes(type)) {
    return problem(
      "SourceSecretInvalid",
      `The referenced Secret ${where} has type ${type}; it must be ${PULL_SECRET_TYPES.join(" or ")}.`,
    );
  }
  const registries = parseDockerConfigRegistries(type, secret.data);
  if (!registries) {
    return problem(
      "SourceSecretInvalid",
      `The referenced Secret ${where} does not hold a readable docker config for its type ${type}.`,
    );
  }
  return { ok: true, secret, registries };
}

/**
 * Per namespace, the Secrets a manager attaches as they are (not written by Cheiron): the namespaced kind's
 * existing Secrets, and a cluster copy's source in its own namespace under its own name. Only sources that
 * exist and are image pull Secrets count.
 */
export function buildAsIsNames(m: Manager, sources: SourceSecret[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of resolveEntries(m)) {
    if (r.kind !== "existing" && r.kind !== "copy") continue;
    if (r.kind === "copy" && r.name !== r.source.name) continue;
    if (!checkSource(r.source, sources).ok) continue;
    (out[r.source.namespace] ??= []).push(r.name);
  }
  return out;
}

/** The Secret names of a manager in spec order (placeholders left out). */
export function buildEntryNames(m: Manager): string[] {
  return resolveEntries(m).flatMap(r => (r.kind === "placeholder" ? [] : [r.name]));
}

/**
 * Copies to keep while their source is missing (issue: a source re-created by an external secrets tool must not
 * delete every copy for a moment): the copy entries whose source Secret does not exist. Their existing copies
 * are neither deleted nor detached until the manager stops listing the source; no new copy can be made.
 */
export function buildKeptCopyNames(m: Manager, sources: SourceSecret[]): string[] {
  return buildMissingNames(m, sources, "copy");
}

/** The namespaced kind's Secrets used as they are that do not exist now (kept: controllers/sources.ts). */
export function buildMissingExistingNames(m: Manager, sources: SourceSecret[]): string[] {
  return buildMissingNames(m, sources, "existing");
}

function buildMissingNames(m: Manager, sources: SourceSecret[], kind: "copy" | "existing") {
  return resolveEntries(m).flatMap(r =>
    r.kind === kind &&
    !sources.some(s => s.namespace === r.source.namespace && s.name === r.source.name)
      ? [r.name]
      : [],
  );
}
