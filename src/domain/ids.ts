// Names derived from a manager: its label value, its human-readable owner reference and its queue key.
import { createHash } from "node:crypto";
import type { ManagerKind, ManagerRef } from "./model";

const KINDS: readonly ManagerKind[] = ["ImagePullSecretManager", "ClusterImagePullSecretManager"];
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const MAX_LABEL_VALUE = 63;

export function isLabelValue(value: string): boolean {
  return value.length <= MAX_LABEL_VALUE && LABEL_VALUE.test(value);
}

const isCluster = (m: ManagerRef): boolean => m.kind === "ClusterImagePullSecretManager";

const digestOf = (m: ManagerRef): string =>
  createHash("sha256")
    .update(`${m.kind}/${m.namespace ?? ""}/${m.name}`)
    .digest("hex")
    .slice(0, 40);

/** `ipsm.<namespace>.<name>` / `cipsm.<name>`, or undefined when that is not a valid label value. */
function readableId(m: ManagerRef): string | undefined {
  const id = isCluster(m) ? `cipsm.${m.name}` : `ipsm.${m.namespace ?? ""}.${m.name}`;
  return isLabelValue(id) ? id : undefined;
}

/**
 * The LABEL_MANAGER value of a manager: `ipsm.<namespace>.<name>` or `cipsm.<name>` when that is a
 * valid label value, otherwise `ipsm_<40 hex>` / `cipsm_<40 hex>` of sha256("<kind>/<ns>/<name>").
 * The two forms are disjoint: a readable id starts with `ipsm.` or `cipsm.`, a hashed one with `ipsm_` or
 * `cipsm_` (and Kubernetes names never contain `_`).
 */
export function buildManagerId(m: ManagerRef): string {
  return readableId(m) ?? `${isCluster(m) ? "cipsm" : "ipsm"}_${digestOf(m)}`;
}

/**
 * The hashed id this manager had before ids became disjoint (`ipsm.h<40 hex>` / `cipsm.h<40 hex>`), or
 * undefined when its id has always been the readable one. Secrets labelled with it are still this manager's.
 */
export function buildLegacyManagerId(m: ManagerRef): string | undefined {
  if (readableId(m) !== undefined) return undefined;
  return `${isCluster(m) ? "cipsm" : "ipsm"}.h${digestOf(m)}`;
}

/** Whether a LABEL_MANAGER value is the legacy hashed id of this manager (see buildLegacyManagerId). */
export function isLegacyManagerId(m: ManagerRef, value: string | undefined): boolean {
  return value !== undefined && value === buildLegacyManagerId(m);
}

/** The ANNOTATION_OWNER value: `ImagePullSecretManager/<ns>/<name>` or `ClusterImagePullSecretManager/<name>`. */
export function buildOwnerRef(m: ManagerRef): string {
  return isCluster(m) ? `${m.kind}/${m.name}` : `${m.kind}/${m.namespace ?? ""}/${m.name}`;
}

/** A work-queue key: `<kind>/<ns>/<name>`, or `<kind>//<name>` for the cluster kind. */
export function buildManagerKey(m: ManagerRef): string {
  return `${m.kind}/${isCluster(m) ? "" : (m.namespace ?? "")}/${m.name}`;
}

/** The inverse of buildManagerKey; undefined for a string that is not such a key. */
export function parseManagerKey(key: string): ManagerRef | undefined {
  const parts = key.split("/");
  if (parts.length !== 3) return undefined;
  const [kind, namespace, name] = parts;
  const known = KINDS.find(k => k === kind);
  if (!known || !name) return undefined;
  if (known === "ClusterImagePullSecretManager") {
    return namespace ? undefined : { kind: known, name };
  }
  return namespace ? { kind: known, namespace, name } : undefined;
}
