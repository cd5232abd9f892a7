// The building blocks of manager validation (src/domain/validate.ts): a report of sentences and one check per
// part of the spec. Pure: no pepr, no I/O.
import type { LabelSelectorRequirement } from "../api/types";
import { KIND_NAMESPACED } from "../constants";
import {
  isDns1123Label,
  isDns1123Subdomain,
  isPlaceholderName,
  isRegistry,
  NAMESPACE_HINT,
  SECRET_NAME_HINT,
} from "./names";

export type ManagerKind = "ImagePullSecretManager" | "ClusterImagePullSecretManager";

export interface ValidationResult {
  errors: string[];
  warnings: string[];
}

const OPERATORS: LabelSelectorRequirement["operator"][] = ["In", "NotIn", "Exists", "DoesNotExist"];
const INLINE_FIELDS = ["registry", "username", "password", "email"] as const;
const ENTRY_FIELDS = ["name", ...INLINE_FIELDS, "existingSecretRef"];

export type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Longest value quoted whole in a message; a longer one is cut (a 1 MiB value must not come back in a refusal). */
const SHOW_MAX = 300;

export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= SHOW_MAX ? text : `${text.slice(0, 80)}… (${text.length} characters)`;
}

/** Present and not an empty string. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

export class Report implements ValidationResult {
  errors: string[] = [];
  warnings: string[] = [];
  error(message: string): void {
    this.errors.push(message);
  }
  warn(message: string): void {
    this.warnings.push(message);
  }
}

export function checkUnknownFields(r: Report, obj: Obj, known: string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key))
      r.warn(
        `${path}.${key} is not a known field and will be dropped: check its spelling or remove it.`,
      );
  }
}

export function checkEnum(
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

export function checkBoolean(r: Report, value: unknown, path: string): void {
  if (value !== undefined && typeof value !== "boolean")
    r.error(`${path} must be true or false, not ${show(value)}: set it to a boolean.`);
}

/** Checks a list field's shape and returns its items (empty when it is not a list). */
export function listAt(r: Report, value: unknown, path: string, what: string): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  r.error(`${path} must be a list of ${what}: write it as a YAML list.`);
  return [];
}

export function checkLabelSelector(r: Report, selector: unknown, path: string): void {
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

export function checkExistingSecretRef(
  r: Report,
  kind: ManagerKind,
  ref: unknown,
  at: string,
): void {
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
export function checkSecretEntry(
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
