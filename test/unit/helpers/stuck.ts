// What refreshStuckPods (src/controllers/stuck-pods.ts) needs around it in a unit test: a fake client that lists
// one namespace's Pods and records deletes, and a cache whose `default` ServiceAccount references `names`.
import type { ApiClient } from "../../../src/k8s/client";
import { setApiClient } from "../../../src/k8s/client";
import type { WatcherCache } from "../../../src/controllers/cache";
import type { ServiceAccountRef } from "../../../src/domain/model";
import type { PodView } from "../../../src/domain/stuck";
import { meta } from "./fixtures";

/** Installs a client whose list yields `pods()` and whose delete calls `onDelete` with the Pod's name. */
export function setStuckClient(
  pods: () => PodView[],
  onDelete: (name: string) => Promise<void> | void,
): void {
  const client = {
    async *pages() {
      yield { items: pods() };
    },
    async delete(path: string) {
      await onDelete(path.split("/").pop() ?? "");
      return {};
    },
    async create() {
      return {};
    },
  };
  setApiClient(client as unknown as ApiClient);
}

/** A cache with namespace `ns` whose ServiceAccounts all reference `names`. */
export function stuckCache(ns: string, names: string[]): WatcherCache {
  const sa: ServiceAccountRef = {
    name: "default",
    namespace: ns,
    hasAnnotations: true,
    imagePullSecrets: names.map(name => ({ name })),
  };
  return {
    namespaces: { get: () => meta(ns) },
    serviceAccounts: { get: () => sa },
  } as unknown as WatcherCache;
}
