// A Controller on the in-memory cluster of cluster.ts, for unit tests with jest fake timers (not used at runtime):
// its caches' start faked (they hold what was `put`), watch events delivered by hand.
import { Controller } from "../../../src/controllers/index";
import {
  buildFakeCluster,
  Call,
  inlineEntry,
  namespacedManagerObj,
  namespaceObj,
  Obj,
  pathOf,
  serviceAccountObj,
} from "./cluster";

type FakeCluster = ReturnType<typeof buildFakeCluster>;

/** Runs every timer, and the work it queues, for `ms` of fake time. */
export const settle = (ms = 5_000) => jest.advanceTimersByTimeAsync(ms);

/** Namespace team, its default ServiceAccount and manager team/m (one inline Secret "hub" by default). */
export const basicObjects = (spec: Record<string, unknown> = { secrets: [inlineEntry("hub")] }) => [
  namespaceObj("team"),
  serviceAccountObj("team"),
  namespacedManagerObj("team", "m", spec),
];

/** The reasons of the Events among `calls`, in order. */
export const eventReasons = (calls: Call[]) =>
  calls
    .filter(x => x.method === "POST" && x.path.endsWith("/events"))
    .map(x => (x.body as { reason: string }).reason);

/**
 * A Controller whose caches hold `objects`, started and settled (CHEIRON_MANAGE_CRDS=false expected);
 * `beforeStart` runs once the caches are filled, just before start().
 */
export async function startController(
  objects: Obj[],
  beforeStart: (c: FakeCluster) => void = () => undefined,
) {
  let ctl!: Controller;
  const c = buildFakeCluster(() => (ctl = new Controller()).cache);
  objects.forEach(o => c.put(o));
  jest.spyOn(ctl.cache, "start").mockResolvedValue(undefined);
  await settle();
  beforeStart(c);
  await ctl.start();
  await settle();
  /** A watch event for `o` (stored first, or removed), as the cache's watch delivers it. */
  const watch = (type: "ADDED" | "MODIFIED" | "DELETED", o: Obj) => {
    const stored = type === "DELETED" ? o : c.api.store(o);
    if (type === "DELETED") c.api.objects.delete(pathOf(o));
    const informers: Record<string, unknown> = {
      Namespace: ctl.cache.namespaces,
      ServiceAccount: ctl.cache.serviceAccounts,
      Secret: ctl.cache.secrets,
      ImagePullSecretManager: ctl.cache.namespacedManagers,
    };
    (informers[o.kind!] as { onEvent(e: unknown): void }).onEvent({ type, object: stored });
  };
  return { ...c, ctl, watch };
}
