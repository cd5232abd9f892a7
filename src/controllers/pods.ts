// Pod mode: Pods cannot change after creation, so the controller only counts those that carry our references.
// Read in pages (CHEIRON_POD_PAGE_SIZE, 500 Pods a call), per namespace for a few targets, cluster-wide for many.
import { ANNOTATION_RECONCILE_WITH } from "../constants";
import { apiClient } from "../k8s/client";
import { paths } from "../k8s/paths";
import { settings } from "../settings";
import { parseNames } from "../domain/references";

type PodMeta = { metadata?: { namespace?: string; annotations?: Record<string, string> } };

async function countIn(path: string, match: (p: PodMeta) => boolean) {
  let n = 0;
  for await (const page of apiClient().pages<PodMeta>(path, {}, settings().podPageSize))
    n += (page.items ?? []).filter(match).length;
  return n;
}

export async function countPodsReferencing(
  namespaces: string[],
  attachable: Record<string, string[]>,
): Promise<number> {
  if (namespaces.length === 0) return 0;
  const wanted = new Set(namespaces);
  const match = (p: PodMeta) => {
    const ns = p.metadata?.namespace ?? "";
    if (!wanted.has(ns)) return false;
    const names = new Set(attachable[ns] ?? []);
    return parseNames(p.metadata?.annotations?.[ANNOTATION_RECONCILE_WITH]).some(n => names.has(n));
  };
  if (namespaces.length > 10) return countIn(paths.pods(), match);
  const counts = await Promise.all(namespaces.map(ns => countIn(paths.pods(ns), match)));
  return counts.reduce((a, b) => a + b, 0);
}
