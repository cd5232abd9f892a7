// Runs of the controller's units of work over the in-memory cluster of cluster.ts, for unit tests (not used
// at runtime): each namespace reconciled once, then the manager's status and Event flushed, as the queue would.
import type { WatcherCache } from "../../../src/controllers/cache";
import { reconcileNamespace } from "../../../src/controllers/namespace";
import {
  addCounts,
  flushDeleting,
  flushLive,
  ManagerState,
  newManagerState,
} from "../../../src/controllers/report";

/** Reconciles `namespaces` and flushes manager `key`; returns the manager state (outcomes by namespace). */
export async function runManager(
  cache: WatcherCache,
  key: string,
  namespaces: string[],
  state: ManagerState = newManagerState(),
): Promise<{ state: ManagerState; flushed: boolean }> {
  for (const ns of namespaces) {
    const o = (await reconcileNamespace(cache, ns)).get(key);
    state.outcomes.delete(ns);
    if (o) {
      state.outcomes.set(ns, o);
      addCounts(state, o);
    }
  }
  const m = cache.manager(key)!;
  const flushed = m.deleting
    ? await flushDeleting(cache, m, state)
    : await flushLive(cache, m, state);
  return { state, flushed };
}
