// Pod mode: Pods cannot change after creation, so the controller only counts those that carry our references.
import { K8s, kind } from "pepr";
import { ANNOTATION_RECONCILE_WITH } from "../constants";

export async function countPodsReferencing(
  namespaces: string[],
  attachable: Record<string, string[]>,
): Promise<number> {
  if (namespaces.length === 0) return 0;
  const wanted = new Set(namespaces);
  const list =
    namespaces.length === 1
      ? await K8s(kind.Pod).InNamespace(namespaces[0]).Get()
      : await K8s(kind.Pod).Get();
  return list.items.filter(p => {
    const ns = p.metadata?.namespace ?? "";
    if (!wanted.has(ns)) return false;
    const ours = (p.metadata?.annotations?.[ANNOTATION_RECONCILE_WITH] ?? "").split(",");
    const names = new Set(attachable[ns] ?? []);
    return ours.some(n => names.has(n.trim()));
  }).length;
}
