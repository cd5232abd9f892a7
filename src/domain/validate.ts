// Validation of a manager's spec, for admission: one sentence per problem, naming the field and what to do.
// Pure: no pepr, no I/O. The CRD schema (crds/) enforces the same rules where OpenAPI and CEL can express them;
// this adds what they cannot (registry syntax, placeholder warnings, the namespaced kind's extra fields).
import type { DeletionPolicy, Mode } from "../api/types";
import { KIND_CLUSTER, KIND_NAMESPACED, SYSTEM_NAMESPACES } from "../constants";
import { isDns1123Label, isDns1123Subdomain, NAMESPACE_HINT, SECRET_NAME_HINT } from "./names";
import {
  checkBoolean,
  checkEnum,
  checkLabelSelector,
  checkSecretEntry,
  checkUnknownFields,
  isObject,
  listAt,
  ManagerKind,
  Obj,
  Report,
  show,
  ValidationResult,
} from "./validate-parts";
import {
  DEFAULT_VERIFY_INTERVAL_MINUTES,
  MAX_VERIFY_INTERVAL_MINUTES,
  MIN_VERIFY_INTERVAL_MINUTES,
} from "./verify";

export type { ValidationResult } from "./validate-parts";
export { isDns1123Label, isDns1123Subdomain, isPlaceholderName, isRegistry } from "./names";

const MODES: Mode[] = ["ServiceAccount", "Pod"];
const DELETION_POLICIES: DeletionPolicy[] = ["Delete", "Orphan"];
const SPEC_FIELDS = [
  "mode",
  "secrets",
  "serviceAccounts",
  "deletionPolicy",
  "dryRun",
  "matchImageRegistries",
  "recreateStuckPods",
  "recreateStuckPodsPerMinute",
  "verify",
];
const CLUSTER_ONLY_FIELDS = ["namespaceSelector", "excludeNamespaces", "includeSystemNamespaces"];

/** An optional whole number within [min, max] (`bounds` is [min, max, default]). */
function checkWholeNumber(r: Report, value: unknown, path: string, bounds: number[]): void {
  const [min, max, fallback] = bounds;
  if (
    value === undefined ||
    (Number.isInteger(value) && Number(value) >= min && Number(value) <= max)
  )
    return;
  r.error(
    `${path} must be a whole number from ${min} to ${max}, not ${show(value)}: set one, or remove it to use the default ${fallback}.`,
  );
}

/** spec.verify: {enabled, intervalMinutes}. */
function checkVerify(r: Report, verify: unknown): void {
  if (verify === undefined) return;
  if (!isObject(verify)) {
    r.error(`spec.verify must be an object such as {enabled: true}, not ${show(verify)}.`);
    return;
  }
  checkUnknownFields(r, verify, ["enabled", "intervalMinutes"], "spec.verify");
  checkBoolean(r, verify.enabled, "spec.verify.enabled");
  const bounds = [
    MIN_VERIFY_INTERVAL_MINUTES,
    MAX_VERIFY_INTERVAL_MINUTES,
    DEFAULT_VERIFY_INTERVAL_MINUTES,
  ];
  checkWholeNumber(r, verify.intervalMinutes, "spec.verify.intervalMinutes", bounds);
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
  checkBoolean(r, spec.recreateStuckPods, "spec.recreateStuckPods");
  checkWholeNumber(
    r,
    spec.recreateStuckPodsPerMinute,
    "spec.recreateStuckPodsPerMinute",
    [1, 100, 10],
  );
  checkVerify(r, spec.verify);
  if (spec.matchImageRegistries === true && (spec.mode ?? "ServiceAccount") === "ServiceAccount") {
    r.error(
      "spec.matchImageRegistries works only with spec.mode Pod: set spec.mode to Pod or remove matchImageRegistries.",
    );
  }
  checkNamespaceScope(r, kind, spec);
  return { errors: r.errors, warnings: r.warnings };
}
