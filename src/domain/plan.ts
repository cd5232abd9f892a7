// Which Secret writes bring the cluster to what a manager wants, and which desired Secrets it may attach.
import { equals } from "ramda";
import type { Problem } from "../api/types";
import {
  ANNOTATION_OWNER,
  ANNOTATION_OWNER_PROOF,
  ANNOTATION_RECONCILABLE,
  LABEL_CONTENT_HASH,
  LABEL_MANAGED_BY,
  LABEL_MANAGER,
  MANAGED_BY_VALUE,
} from "../constants";
import type { DesiredSecret, ExistingSecret, SecretPlan } from "./model";
import type { Ownership } from "./ownership";

const keyOf = (s: { namespace: string; name: string }): string => `${s.namespace}/${s.name}`;
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byKey =
  <T>(get: (t: T) => { namespace: string; name: string }) =>
  (a: T, b: T) =>
    compare(get(a).namespace, get(b).namespace) || compare(get(a).name, get(b).name);

/** The manager id on a Secret labelled managed-by=cheiron, if any. */
function managerOf(e: ExistingSecret): string | undefined {
  const labels = e.labels ?? {};
  return labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE
    ? labels[LABEL_MANAGER] || undefined
    : undefined;
}

function needsUpdate(d: DesiredSecret, e: ExistingSecret): boolean {
  const labels = e.labels ?? {};
  return (
    labels[LABEL_CONTENT_HASH] !== d.hash ||
    labels[LABEL_MANAGER] !== d.managerId ||
    e.annotations?.[ANNOTATION_OWNER] !== d.owner ||
    (d.ownerProof !== undefined && e.annotations?.[ANNOTATION_OWNER_PROOF] !== d.ownerProof) ||
    (e.data === undefined && e.dataHash !== undefined
      ? e.dataHash !== d.hash
      : !equals(e.data ?? {}, d.data))
  );
}

/**
 * `existing` holds every Secret in the target namespaces with a desired name and every Secret
 * labelled with `managerId`. `otherManagers` (manager id -> owner reference) only names the owner of
 * a conflicting Secret that lacks the owner annotation. create, update and delete are sorted by
 * namespace and name, problems by namespace, Secret and reason; attachable lists, per namespace in
 * order, the desired names (in desired order) that are ours once the plan is applied. A Secret labelled
 * with `legacyId` (buildLegacyManagerId) is ours too: updated to `managerId` when wanted, else deleted, so
 * `existing` should then also hold the Secrets labelled with it.
 */
export function planSecrets(
  managerId: string,
  desired: DesiredSecret[],
  existing: ExistingSecret[],
  otherManagers: Record<string, string> = {},
  legacyId?: string,
  ownership?: (e: ExistingSecret) => Ownership,
): SecretPlan {
  const sameData = (d: DesiredSecret, e: ExistingSecret) =>
    (e.type ?? "Opaque") === d.type &&
    (e.data === undefined ? e.dataHash === d.hash : equals(e.data, d.data));
  // A Secret labelled as ours without a valid proof is ours again only when it holds exactly the manager's data.
  const reprove = (
    e: ExistingSecret,
    d?: DesiredSecret,
  ): Exclude<Ownership, "proven"> | undefined => {
    const check = ownership?.(e) ?? "proven";
    return check !== "proven" && d && sameData(d, e) ? check : undefined;
  };
  const unproven = (e: ExistingSecret, d?: DesiredSecret): Problem | undefined => {
    const check = ownership?.(e) ?? "proven";
    if (check === "proven" || reprove(e, d)) return undefined;
    const why = check === "mismatched" ? "a wrong ownership proof" : "no ownership proof";
    return {
      namespace: e.namespace,
      secret: e.name,
      reason: "SecretConflict",
      message: `Secret ${e.namespace}/${e.name} is labelled as Cheiron's but has ${why}; it is left alone.`,
    };
  };
  const isOurs = (owner: string | undefined) =>
    owner !== undefined && (owner === managerId || owner === legacyId);
  const found = new Map(existing.map(e => [keyOf(e), e]));
  const plan: SecretPlan = { create: [], update: [], delete: [], problems: [], attachable: {} };
  const ours = new Map<string, string[]>();
  const wanted = new Set<string>();
  const conflict = (d: DesiredSecret, reason: Problem["reason"], message: string) =>
    plan.problems.push({ namespace: d.namespace, secret: d.name, reason, message });

  for (const d of desired) {
    if (wanted.has(keyOf(d))) continue;
    wanted.add(keyOf(d));
    const names = ours.get(d.namespace) ?? [];
    ours.set(d.namespace, names);
    const e = found.get(keyOf(d));
    const owner = e && managerOf(e);
    const where = `Secret ${d.namespace}/${d.name}`;
    if (!e) {
      plan.create.push(d);
    } else if (isOurs(owner) && unproven(e, d)) {
      plan.problems.push(unproven(e, d)!);
      continue;
    } else if (isOurs(owner)) {
      const replace = (e.type ?? "Opaque") !== d.type;
      const again = reprove(e, d);
      if (replace) plan.update.push({ desired: d, existing: e, adopt: false, replace });
      else if (again) plan.update.push({ desired: d, existing: e, adopt: false, reprove: again });
      else if (needsUpdate(d, e)) plan.update.push({ desired: d, existing: e, adopt: false });
    } else if (owner !== undefined) {
      const known = Object.hasOwn(otherManagers, owner) ? otherManagers[owner] : undefined;
      const other = e.annotations?.[ANNOTATION_OWNER] ?? known ?? `manager ${owner}`;
      conflict(d, "ManagerConflict", `${where} is managed by ${other}; it is left alone.`);
      continue;
    } else if (e.annotations?.[ANNOTATION_RECONCILABLE] !== "true") {
      conflict(
        d,
        "SecretConflict",
        `${where} exists and is not managed by Cheiron; it is left alone unless annotated ${ANNOTATION_RECONCILABLE}=true.`,
      );
      continue;
    } else if ((e.type ?? "Opaque") !== d.type) {
      conflict(
        d,
        "SecretConflict",
        `${where} may be adopted but has type ${e.type ?? "Opaque"}; Cheiron cannot change type to ${d.type}.`,
      );
      continue;
    } else {
      plan.update.push({ desired: d, existing: e, adopt: true });
    }
    names.push(d.name);
  }

  const seen = new Set<string>();
  for (const e of existing) {
    if (!isOurs(managerOf(e)) || wanted.has(keyOf(e)) || seen.has(keyOf(e))) continue;
    seen.add(keyOf(e));
    const problem = unproven(e);
    if (problem) plan.problems.push(problem);
    else plan.delete.push(e);
  }

  plan.create.sort(byKey(d => d));
  plan.update.sort(byKey(u => u.desired));
  plan.delete.sort(byKey(e => e));
  plan.problems.sort(
    (a, b) =>
      compare(a.namespace, b.namespace) ||
      compare(a.secret ?? "", b.secret ?? "") ||
      compare(a.reason, b.reason),
  );
  for (const ns of [...ours.keys()].sort(compare)) plan.attachable[ns] = ours.get(ns) ?? [];
  return plan;
}
