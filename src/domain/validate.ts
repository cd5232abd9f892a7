// Validation of a manager's spec, for admission: one sentence per problem, naming the field and what to do.
// Pure: no pepr, no I/O. The CRD schema (crds/) enforces the same rules where OpenAPI and CEL can express them;
// this adds what they cannot (registry syntax, placeholder warnings, the namespaced kind's extra fields).
import type { DeletionPolicy, LabelSelectorRequirement, Mode } from "../api/types";
import { KIND_CLUSTER, KIND_NAMESPACED, SYSTEM_NAMESPACES } from "../constants";

type ManagerKind = "ImagePullSecretManager" | "ClusterImagePullSecretManager";

export interface ValidationResult {
  errors: string[];
  warnings: string[];
}

const MODES: Mode[] = ["ServiceAccount", "Pod"];
const DELETION_POLICIES: DeletionPolicy[] = ["Delete", "Orphan"];
const OPERATORS: LabelSelectorRequirement["operator"][] = ["In", "NotIn", "Exists", "DoesNotExist"];
const INLINE_FIELDS = ["registry", "username", "password", "email"] as const;
const ENTRY_FIELDS = ["name", ...INLINE_FIELDS, "existingSecretRef"];
const SPEC_FIELDS = [
  "mode",
  "secrets",
  "serviceAccounts",
  "deletionPolicy",
  "dryRun",
  "matchImageRegistries",
];
const CLUSTER_ONLY_FIELDS = ["namespaceSelector", "excludeNamespaces", "includeSystemNamespaces"];

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]+\]$/;
const URL_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

const SECRET_NAME_HINT =
  "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters";
const NAMESPACE_HINT =
  "use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

/** A placeholder from the README example, such as `<my-registry>`: accepted, and reported until replaced. */
export function isPlaceholderName(name: string): boolean {
  return name.length >= 2 && name.startsWith("<") && name.endsWith(">");
}

/** A DNS-1123 subdomain: the form of Secret and ServiceAccount names. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

/** A DNS-1123 label: the form of namespace names. */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

function isHostPort(value: string): boolean {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(value);
  if (!match) return false;
  const [, host, port] = match;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  if (IPV6_LITERAL.test(host)) return true;
  return (
    host.length > 0 && host.length <= 253 && host.split(".").every(label => HOST_LABEL.test(label))
  );
}

/**
 * A registry as Docker's config.json keys it: a host (`ghcr.io`), host:port (`localhost:5000`), either followed by
 * an optional path, or an http(s) URL (`https://index.docker.io/v1/`).
 */
export function isRegistry(value: string): boolean {
  let rest = value;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (scheme) {
    if (!/^https?$/i.test(scheme[1])) return false;
    rest = value.slice(scheme[0].length);
  }
  const slash = rest.indexOf("/");
  const hostPort = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? "" : rest.slice(slash);
  return isHostPort(hostPort) && (path === "" || URL_PATH.test(path));
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Present and not an empty string. */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

class Report implements ValidationResult {
  errors: string[] = [];
  warnings: string[] = [];
  error(message: string): void {
    this.errors.push(message);
  }
  warn(message: string): void {
    this.warnings.push(message);
  }
}

function checkUnknownFields(r: Report, obj: Obj, known: string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key))
      r.warn(
        `${path}.${key} is not a known field and will be dropped: check its spelling or remove it.`,
      );
  }
}

function checkEnum(
  r: Report,
  value: unknown,
  allowed: readonly string[],
  path: string,
  fallback: string,
): void {
  if (value === undefined || (typeof value === "string" && allowed.includes(value))) return;
  r.error(
    `${path} must be ${allowed.join(" or ")}, not ${show(value)}: set it to one of them, or remove it to use ${fallback}.`,
  );
}

function checkBoolean(r: Report, value: unknown, path: string): void {
  if (value !== undefined && typeof value !== "boolean")
    r.error(`${path} must be true or false, not ${show(value)}: set it to a boolean.`);
}

/** Checks a list field's shape and returns its items (empty when it is not a list). */
function listAt(r: Report, value: unknown, path: string, what: string): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  r.error(`${path} must be a list of ${what}: write it as a YAML list.`);
  return [];
}

function checkLabelSelector(r: Report, selector: unknown, path: string): void {
  if (selector === undefined) return;
  if (!isObject(selector)) {
    r.error(
      `${path} must be a label selector (matchLabels and/or matchExpressions): write it as an object.`,
    );
    return;
  }
  checkUnknownFields(r, selector, ["matchLabels", "matchExpressions"], path);
  const labels = selector.matchLabels;
  if (
    labels !== undefined &&
    !(isObject(labels) && Object.values(labels).every(v => typeof v === "string"))
  ) {
    r.error(
      `${path}.matchLabels must map label keys to string values: quote values such as "true" or "1".`,
    );
  }
  listAt(r, selector.matchExpressions, `${path}.matchExpressions`, "label requirements").forEach(
    (req, i) => {
      const at = `${path}.matchExpressions[${i}]`;
      if (!isObject(req)) {
        r.error(`${at} must be an object with key, operator and values: write it as one.`);
        return;
      }
      if (typeof req.key !== "string" || req.key === "")
        r.error(`${at}.key is required: set it to a label key.`);
      if (!(OPERATORS as unknown[]).includes(req.operator)) {
        r.error(
          `${at}.operator must be In, NotIn, Exists or DoesNotExist, not ${show(req.operator)}: set it to one of them.`,
        );
        return;
      }
      const values = listAt(r, req.values, `${at}.values`, "label values");
      const needsValues = req.operator === "In" || req.operator === "NotIn";
      if (needsValues && values.length === 0) {
        r.error(
          `${at}.values must list at least one value for operator ${req.operator}: add the label values to match.`,
        );
      } else if (!needsValues && values.length > 0) {
        r.error(`${at}.values must be empty for operator ${req.operator}: remove values.`);
      } else if (values.some(v => typeof v !== "string")) {
        r.error(`${at}.values must be strings: quote values such as "true" or "1".`);
      }
    },
  );
}

function checkExistingSecretRef(r: Report, kind: ManagerKind, ref: unknown, at: string): void {
  if (!isObject(ref)) {
    r.error(`${at} must be an object with the source Secret's name: write it as {name: <secret>}.`);
    return;
  }
  checkUnknownFields(r, ref, ["name", "namespace"], at);
  const { name, namespace } = ref;
  if (typeof name !== "string" || name === "") {
    r.error(`${at}.name is required: set it to the name of the source Secret.`);
  } else if (isPlaceholderName(name)) {
    r.warn(
      `${at}.name ${show(name)} is a placeholder from the example: it is accepted, but it is reported in status (PlaceholderReference) until you replace it with the name of a real Secret.`,
    );
  } else if (!isDns1123Subdomain(name)) {
    r.error(`${at}.name ${show(name)} is not a valid Secret name: ${SECRET_NAME_HINT}.`);
  }
  if (kind === KIND_NAMESPACED) {
    if (namespace !== undefined) {
      r.error(
        `${at}.namespace is not allowed on an ImagePullSecretManager: remove it and keep the source Secret in the manager's namespace, or use a ClusterImagePullSecretManager.`,
      );
    }
  } else if (typeof namespace !== "string" || namespace === "") {
    r.error(
      `${at}.namespace is required on a ClusterImagePullSecretManager: set it to the namespace of the source Secret.`,
    );
  } else if (!isDns1123Label(namespace)) {
    r.error(`${at}.namespace ${show(namespace)} is not a valid namespace name: ${NAMESPACE_HINT}.`);
  }
}

/** Checks one entry of spec.secrets and returns the name of the Secret it makes, if it has one. */
function checkSecretEntry(
  r: Report,
  kind: ManagerKind,
  entry: unknown,
  at: string,
): string | undefined {
  if (!isObject(entry)) {
    r.error(
      `${at} must be an object: give it inline credentials (name, registry, username, password) or an existingSecretRef.`,
    );
    return undefined;
  }
  checkUnknownFields(r, entry, ENTRY_FIELDS, at);
  const inline = INLINE_FIELDS.filter(f => entry[f] !== undefined);
  const hasRef = entry.existingSecretRef !== undefined;
  for (const f of INLINE_FIELDS) {
    if (entry[f] !== undefined && typeof entry[f] !== "string")
      r.error(`${at}.${f} must be a string: quote the value.`);
  }
  const name = entry.name;
  if (name !== undefined && typeof name !== "string") {
    r.error(`${at}.name must be a string: set it to the name of the Secret to create.`);
  } else if (typeof name === "string" && !isDns1123Subdomain(name)) {
    r.error(`${at}.name ${show(name)} is not a valid Secret name: ${SECRET_NAME_HINT}.`);
  }

  if (inline.length > 0 && hasRef) {
    r.error(
      `${at} sets both inline credentials (${inline.join(", ")}) and existingSecretRef: keep one of them and remove the other.`,
    );
  } else if (inline.length === 0 && !hasRef) {
    r.error(
      `${at} has neither inline credentials nor existingSecretRef: add name, registry, username and password, or an existingSecretRef.`,
    );
  } else if (inline.length > 0) {
    if (name === undefined)
      r.error(
        `${at}.name is required with inline credentials: set it to the name of the Secret to create.`,
      );
    if (!isSet(entry.registry))
      r.error(
        `${at}.registry is required with inline credentials: set it to the registry host, for example ghcr.io.`,
      );
    if (!isSet(entry.username))
      r.error(
        `${at}.username is required with inline credentials: set it to the registry user name.`,
      );
    if (!isSet(entry.password))
      r.error(
        `${at}.password is required with inline credentials: set it to the registry password or access token.`,
      );
  }
  if (typeof entry.registry === "string" && entry.registry !== "" && !isRegistry(entry.registry)) {
    r.error(
      `${at}.registry ${show(entry.registry)} is not a registry host, host:port or http(s) URL: use a value like ghcr.io, registry.example.com:5000 or https://index.docker.io/v1.`,
    );
  }
  if (hasRef) checkExistingSecretRef(r, kind, entry.existingSecretRef, `${at}.existingSecretRef`);

  if (typeof name === "string" && name !== "") return name;
  if (
    hasRef &&
    isObject(entry.existingSecretRef) &&
    typeof entry.existingSecretRef.name === "string"
  ) {
    return entry.existingSecretRef.name || undefined;
  }
  return undefined;
}

function checkSecrets(r: Report, kind: ManagerKind, secrets: unknown): void {
  if (!Array.isArray(secrets) || secrets.length === 0) {
    r.error(
      "spec.secrets must list at least one entry: add an entry with inline credentials or an existingSecretRef.",
    );
    return;
  }
  const seen = new Map<string, number>();
  secrets.forEach((entry, i) => {
    const name = checkSecretEntry(r, kind, entry, `spec.secrets[${i}]`);
    if (name === undefined) return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else
      r.error(
        `spec.secrets[${i}] makes the Secret ${show(name)} that spec.secrets[${first}] already makes: give each entry a distinct name.`,
      );
  });
}

function checkServiceAccounts(r: Report, value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    r.error("spec.serviceAccounts must be an object with names and/or selector: write it as one.");
    return;
  }
  checkUnknownFields(r, value, ["names", "selector"], "spec.serviceAccounts");
  listAt(r, value.names, "spec.serviceAccounts.names", "ServiceAccount names").forEach(
    (name, i) => {
      if (typeof name !== "string" || !isDns1123Subdomain(name)) {
        r.error(
          `spec.serviceAccounts.names[${i}] ${show(name)} is not a valid ServiceAccount name: ${SECRET_NAME_HINT}.`,
        );
      }
    },
  );
  checkLabelSelector(r, value.selector, "spec.serviceAccounts.selector");
}

function checkNamespaceScope(r: Report, kind: ManagerKind, spec: Obj): void {
  if (kind === KIND_NAMESPACED) {
    for (const f of CLUSTER_ONLY_FIELDS) {
      if (spec[f] !== undefined) {
        r.error(
          `spec.${f} is only allowed on a ClusterImagePullSecretManager: remove it (an ImagePullSecretManager acts only in its own namespace).`,
        );
      }
    }
    return;
  }
  checkLabelSelector(r, spec.namespaceSelector, "spec.namespaceSelector");
  listAt(r, spec.excludeNamespaces, "spec.excludeNamespaces", "namespace names").forEach(
    (ns, i) => {
      if (typeof ns !== "string" || !isDns1123Label(ns)) {
        r.error(
          `spec.excludeNamespaces[${i}] ${show(ns)} is not a valid namespace name: ${NAMESPACE_HINT}.`,
        );
      }
    },
  );
  listAt(
    r,
    spec.includeSystemNamespaces,
    "spec.includeSystemNamespaces",
    "system namespaces",
  ).forEach((ns, i) => {
    if (typeof ns !== "string" || !SYSTEM_NAMESPACES.includes(ns)) {
      r.error(
        `spec.includeSystemNamespaces[${i}] ${show(ns)} is not a system namespace: use one of ${SYSTEM_NAMESPACES.join(", ")}.`,
      );
    }
  });
}

/**
 * Validates the spec of a manager of either kind. Errors make the manager unusable and should be refused;
 * warnings are accepted and shown to the user.
 */
export function validateManager(kind: ManagerKind, spec: unknown): ValidationResult {
  const r = new Report();
  if (kind !== KIND_NAMESPACED && kind !== KIND_CLUSTER) {
    r.error(
      `kind ${show(kind)} is not a Cheiron manager: use ${KIND_NAMESPACED} or ${KIND_CLUSTER}.`,
    );
    return r;
  }
  if (!isObject(spec)) {
    r.error("spec is required: add a spec with at least a secrets list.");
    return r;
  }
  // The namespaced kind's cluster-only fields are errors (checkNamespaceScope), not unknown fields.
  checkUnknownFields(r, spec, [...SPEC_FIELDS, ...CLUSTER_ONLY_FIELDS], "spec");
  checkEnum(r, spec.mode, MODES, "spec.mode", "the default ServiceAccount");
  checkSecrets(r, kind, spec.secrets);
  checkServiceAccounts(r, spec.serviceAccounts);
  checkEnum(r, spec.deletionPolicy, DELETION_POLICIES, "spec.deletionPolicy", "the default Delete");
  checkBoolean(r, spec.dryRun, "spec.dryRun");
  checkBoolean(r, spec.matchImageRegistries, "spec.matchImageRegistries");
  if (spec.matchImageRegistries === true && (spec.mode ?? "ServiceAccount") === "ServiceAccount") {
    r.error(
      "spec.matchImageRegistries works only with spec.mode Pod: set spec.mode to Pod or remove matchImageRegistries.",
    );
  }
  checkNamespaceScope(r, kind, spec);
  return { errors: r.errors, warnings: r.warnings };
}
