// Pod mode: Pods cannot change after creation, so the controller only counts those that carry our references.
// Read in pages (CHEIRON_POD_PAGE_SIZE, 500 Pods a call), per namespace for a few targets, cluster-wide for many.
import { ANNOTATION_RECONCILE_WITH } from "../constants";
import { apiClient } from "../k8s/client";
import { paths } from "../k8s/paths";
import { settings } from "../settings";

type PodPage = {
  metadata?: { continue?: string };
  items?: { metadata?: { namespace?: string; annotations?: Record<string, string> } }[];
};

async function countIn(path: string, match: (p: NonNullable<PodPage["items"]>[number]) => boolean) {
  let n = 0;
  let cont: string | undefined;
  do {
    const page = await apiClient().get<PodPage>(path, {
      limit: settings().podPageSize,
      continue: cont,
    });
    n += (page.items ?? []).filter(match).length;
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return n;
}

export async function countPodsReferencing(
  namespaces: string[],
  attachable: Record<string, string[]>,
): Promise<number> {
  if (namespaces.length === 0) return 0;
  const wanted = new Set(namespaces);
  const match = (p: NonNullable<PodPage["items"]>[number]) => {
    const ns = p.metadata?.namespace ?? "";
    if (!wanted.has(ns)) return false;
    const ours = (p.metadata?.annotations?.[ANNOTATION_RECONCILE_WITH] ?? "").split(",");
    const names = new Set(attachable[ns] ?? []);
    return ours.some(n => names.has(n.trim()));
  };
  if (namespaces.length > 10) return countIn(paths.pods(), match);
  const counts = await Promise.all(namespaces.map(ns => countIn(paths.pods(ns), match)));
  return counts.reduce((a, b) => a + b, 0);
}
