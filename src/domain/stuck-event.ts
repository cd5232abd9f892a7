// The Event about a manager's stuck Pods (see stuck.ts): counts, a few Pod names and, for the Pods a new Pod would
// not fix either, why (stuck-recreate.ts); never a credential.
import type { StuckPod } from "./stuck";

/** Pod names an Event lists at most. */
export const EVENT_POD_NAMES = 5;

export interface StuckEvent {
  type: "Normal" | "Warning";
  reason: "RecreatedStuckPods" | "StuckPods";
  message: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
/** The first EVENT_POD_NAMES Pods as namespace/name (sorted), each with `detail` when it gives one. */
const list = (pods: StuckPod[], detail: (p: StuckPod) => string = () => "") => {
  const names = pods.map(p => `${p.namespace}/${p.name}${detail(p)}`).sort();
  const shown = names.slice(0, EVENT_POD_NAMES).join(", ");
  return names.length > EVENT_POD_NAMES
    ? `${shown} and ${names.length - EVENT_POD_NAMES} more`
    : shown;
};
const blockedText = (blocked: StuckPod[]) =>
  `${plural(blocked.length, "Pod")} would lack them after a recreation too, so ${blocked.length === 1 ? "it is" : "they are"} ` +
  `left in place: ${list(blocked, p => ` (${p.blocked})`)}.`;

/**
 * Normal RecreatedStuckPods when this check deleted Pods, Warning StuckPods when stuck Pods remain and their set
 * differs from the one last reported (`reported`, from buildStuckSignature); undefined otherwise.
 */
export function buildStuckEvent(
  stuck: StuckPod[],
  deleted: StuckPod[],
  reported: string,
  recreate: boolean | "dryRun",
): StuckEvent | undefined {
  const gone = new Set(deleted.map(p => p.uid));
  const left = stuck.filter(p => !gone.has(p.uid));
  const blocked = left.filter(p => p.blocked);
  const waiting = left.filter(p => !p.blocked);
  const why =
    recreate === "dryRun"
      ? "dry run: nothing is deleted"
      : recreate
        ? "bare Pods, controlled by another kind, waiting for their controller's back-off, over spec.recreateStuckPodsPerMinute, or paced to their node's image pull budget"
        : "spec.recreateStuckPods is off";
  if (deleted.length > 0) {
    const rest = [
      waiting.length
        ? `${plural(waiting.length, "more stuck Pod")} left (${why}): ${list(waiting)}.`
        : "",
      blocked.length ? blockedText(blocked) : "",
    ].filter(Boolean);
    return {
      type: "Normal",
      reason: "RecreatedStuckPods",
      message:
        `Deleted ${plural(deleted.length, "Pod")} stuck on an image pull without this manager's pull Secrets ` +
        `(created before them) so that their controllers recreate them with the references: ${list(deleted)}.` +
        rest.map(r => ` ${r}`).join(""),
    };
  }
  if (left.length === 0 || buildStuckSignature(stuck) === reported) return undefined;
  const head = (n: number) =>
    `${plural(n, "Pod")} wait on an image pull without the pull Secrets this manager provides (created before them`;
  const parts = waiting.length
    ? [
        `${head(waiting.length)}; ${why}): ${list(waiting)}. Delete them so that they are recreated with the references.`,
        ...(blocked.length ? [blockedText(blocked)] : []),
      ]
    : [`${head(blocked.length)}). ${blockedText(blocked)}`];
  return { type: "Warning", reason: "StuckPods", message: parts.join(" ") };
}

/** Which stuck Pods were last reported: their uids (marked when left in place for a reason), sorted. */
export function buildStuckSignature(stuck: Pick<StuckPod, "uid" | "blocked">[]): string {
  return stuck
    .map(p => (p.blocked ? `${p.uid}!` : p.uid))
    .sort()
    .join(",");
}
