// Which namespaces, ServiceAccounts and objects a manager covers (Kubernetes label selector semantics).
import type { LabelSelector, LabelSelectorRequirement } from "../api/types";
import {
  ANNOTATION_IGNORE,
  ANNOTATION_RECONCILABLE,
  KIND_NAMESPACED,
  SYSTEM_NAMESPACES,
} from "../constants";
import type { Manager, ObjectMeta } from "./model";

function matchRequirement(r: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      return has && values.includes(labels[r.key]);
    case "NotIn":
      return !has || !values.includes(labels[r.key]);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    default:
      return false;
  }
}

/** Kubernetes semantics: undefined or empty matches everything; matchLabels AND matchExpressions. */
export function matchLabelSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(
    ([k, v]) => Object.hasOwn(l, k) && l[k] === v,
  );
  return byLabels && (selector.matchExpressions ?? []).every(r => matchRequirement(r, l));
}

/** `cheiron.anny.co/ignore: "true"` or `cheiron.anny.co/reconcilable: "false"`. */
export function isOptedOut(meta: { annotations?: Record<string, string> }): boolean {
  const a = meta.annotations ?? {};
  return a[ANNOTATION_IGNORE] === "true" || a[ANNOTATION_RECONCILABLE] === "false";
}

/** Whether the manager targets this Namespace (its own for the namespaced kind; the selection otherwise). */
export function isManagerCoveringNamespace(m: Manager, ns: ObjectMeta): boolean {
  if (ns.terminating || isOptedOut(ns)) return false;
  if (m.kind === KIND_NAMESPACED) return ns.name === m.namespace;
  const spec = m.spec;
  if ((spec.excludeNamespaces ?? []).includes(ns.name)) return false;
  if (
    SYSTEM_NAMESPACES.includes(ns.name) &&
    !(spec.includeSystemNamespaces ?? []).includes(ns.name)
  ) {
    return false;
  }
  return matchLabelSelector(spec.namespaceSelector, ns.labels);
}

/** The names of the Namespaces the manager targets, sorted and unique. */
export function buildTargetNamespaces(m: Manager, namespaces: ObjectMeta[]): string[] {
  const names = namespaces.filter(ns => isManagerCoveringNamespace(m, ns)).map(ns => ns.name);
  return [...new Set(names)].sort();
}

/** No selection (or neither names nor selector): every ServiceAccount; else name listed OR selector matches. */
export function isManagerSelectingServiceAccount(m: Manager, sa: ObjectMeta): boolean {
  const sel = m.spec.serviceAccounts;
  const names = sel?.names ?? [];
  if (!sel || (names.length === 0 && !sel.selector)) return true;
  if (names.includes(sa.name)) return true;
  return sel.selector !== undefined && matchLabelSelector(sel.selector, sa.labels);
}
