// What a manager wants: the Secrets to exist in its target namespaces, and the names to attach.
import type { Problem, ProblemReason } from "../api/types";
import { SECRET_TYPE_DOCKERCONFIGJSON } from "../constants";
import { buildContentHash, buildDockerConfigJson, buildRegistryHost } from "./dockerconfig";
import { buildRegistryData, checkSource, resolveEntries } from "./entries";
import { buildManagerId, buildOwnerRef } from "./ids";
import type { DesiredSecret, Manager, SourceSecret } from "./model";

export interface DesiredSecrets {
  secrets: DesiredSecret[];
  problems: Problem[];
}

const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/** An inline entry's Secret data, built once per entry (a fan-out asks for it in every namespace); started over
 * when full. Callers never change the object. */
const MAX_REMEMBERED_INLINE = 1024;
let inline = new Map<string, Record<string, string>>();
function inlineData(registry: string, username: string, password: string, email?: string) {
  const key = JSON.stringify([registry, username, password, email]);
  let data = inline.get(key);
  if (!data) {
    const config = buildDockerConfigJson([{ registry, username, password, email }]);
    data = { ".dockerconfigjson": base64(config) };
    if (inline.size >= MAX_REMEMBERED_INLINE) inline = new Map();
    inline.set(key, data);
  }
  return data;
}
const problemKey = (p: Problem): string => `${p.namespace}\u0000${p.secret ?? ""}\u0000${p.reason}`;

/**
 * Inline entries become one dockerconfigjson Secret per target namespace; the cluster kind copies
 * each source Secret's type and registry key (only that key, see buildRegistryData) into every target
 * (except onto itself); the namespaced kind's existing Secrets are only checked. A missing, invalid or
 * placeholder reference gives one Problem and nothing desired.
 */
export function buildDesiredSecrets(
  m: Manager,
  targetNamespaces: string[],
  sources: SourceSecret[],
): DesiredSecrets {
  const base = { managerId: buildManagerId(m), owner: buildOwnerRef(m) };
  const secrets: DesiredSecret[] = [];
  const problems = new Map<string, Problem>();
  const addProblem = (p: Problem) => problems.set(problemKey(p), problems.get(problemKey(p)) ?? p);
  const want = (name: string, type: string, data: Record<string, string>, registries: string[]) => {
    const hash = buildContentHash(type, data);
    return (namespace: string) => ({ namespace, name, type, data, hash, ...base, registries });
  };
  for (const r of resolveEntries(m)) {
    if (r.kind === "placeholder") {
      addProblem(r.problem);
    } else if (r.kind === "inline") {
      const { registry, username, password, email } = r.entry;
      const data = inlineData(registry, username ?? "", password ?? "", email);
      const make = want(r.name, SECRET_TYPE_DOCKERCONFIGJSON, data, [buildRegistryHost(registry)]);
      secrets.push(...targetNamespaces.map(make));
    } else {
      const check = checkSource(r.source, sources);
      if (!check.ok) addProblem(check.problem);
      if (!check.ok || r.kind === "existing") continue;
      const { type = SECRET_TYPE_DOCKERCONFIGJSON, data } = check.secret;
      const make = want(r.name, type, buildRegistryData(type, data), check.registries);
      const onItself = (ns: string) => ns === r.source.namespace && r.name === r.source.name;
      secrets.push(...targetNamespaces.filter(ns => !onItself(ns)).map(make));
    }
  }
  return { secrets, problems: [...problems.values()] };
}

const SOURCE_REASONS: ProblemReason[] = ["SourceSecretMissing", "SourceSecretInvalid"];
// Conflicts are also listed, uncapped, in status.unattachable; read here too for a status written before it.
const BLOCKING_REASONS: ProblemReason[] = [...SOURCE_REASONS, "SecretConflict", "ManagerConflict"];

/** status.unattachable as a lookup, built once per status object (admission asks per request). */
const unattachableMemo = new WeakMap<object, Map<string, Set<string>>>();
function unattachableOf(m: Manager): Map<string, Set<string>> {
  const list = m.status?.unattachable;
  if (!list) return new Map();
  let map = unattachableMemo.get(list);
  if (!map) {
    map = new Map(list.map(u => [u.secret, new Set(u.namespaces)]));
    unattachableMemo.set(list, map);
  }
  return map;
}

/**
 * The Secret names the manager wants referenced in `namespace`, in spec order, unique. Without
 * `sources` (admission), the manager's status decides which sources are missing or invalid; a name that
 * status.unattachable lists for that namespace (its create failed there, or a conflict) is always excluded.
 * A failed update of a Secret that exists excludes nothing: the Secret is still there.
 */
export function buildAttachNames(
  m: Manager,
  namespace: string,
  sources?: SourceSecret[],
): string[] {
  const reported = (ns: string, secret: string, reasons: ProblemReason[]) =>
    (m.status?.problems ?? []).some(
      p => p.namespace === ns && p.secret === secret && reasons.includes(p.reason),
    );
  const names: string[] = [];
  for (const r of resolveEntries(m)) {
    if (r.kind === "placeholder") continue;
    if (r.kind === "existing" && r.source.namespace !== namespace) continue;
    if (r.kind !== "inline") {
      const bad = sources
        ? !checkSource(r.source, sources).ok
        : reported(r.source.namespace, r.source.name, SOURCE_REASONS);
      if (bad) continue;
    }
    if (unattachableOf(m).get(r.name)?.has(namespace)) continue;
    if (reported(namespace, r.name, BLOCKING_REASONS) || names.includes(r.name)) continue;
    names.push(r.name);
  }
  return names;
}

/**
 * Secret name -> registry hosts, for registry-aware Pod matching: inline entries from their registry,
 * existing and copied Secrets from `knownRegistries` (by Secret name; a name it lacks is left out,
 * meaning "unknown").
 */
export function buildSecretRegistries(
  m: Manager,
  namespace: string,
  knownRegistries: Record<string, string[]>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of resolveEntries(m)) {
    if (r.kind === "placeholder") continue;
    if (r.kind === "existing" && r.source.namespace !== namespace) continue;
    if (r.kind === "inline") out[r.name] = [buildRegistryHost(r.entry.registry)];
    else if (Object.hasOwn(knownRegistries, r.name)) {
      out[r.name] = [...knownRegistries[r.name]];
    }
  }
  return out;
}

/**
 * What a manager has ready in a namespace as far as admission (or another manager's reconcile) can tell without
 * reading Secrets: its inline Secrets (the controller creates them) and the Secrets its last status confirmed
 * in `status.registries` (sources that exist). An unconfirmed source is never referenced, so nothing dangles.
 */
export function buildConfirmedAttachNames(m: Manager, namespace: string): string[] {
  if (m.spec.dryRun) return [];
  const confirmed = new Set((m.status?.registries ?? []).map(r => r.secret));
  const inline = new Set(resolveEntries(m).flatMap(r => (r.kind === "inline" ? [r.name] : [])));
  return buildAttachNames(m, namespace).filter(n => inline.has(n) || confirmed.has(n));
}
