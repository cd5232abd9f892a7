// The Event about a manager's stuck Pods (see stuck.ts): counts and a few Pod names, never a credential.
import type { StuckPod } from "./stuck";

/** Pod names an Event lists at most. */
export const EVENT_POD_NAMES = 5;

export interface StuckEvent {
  type: "Normal" | "Warning";
  reason: "RecreatedStuckPods" | "StuckPods";
  message: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const list = (pods: Pick<StuckPod, "namespace" | "name">[]) => {
  const names = pods.map(p => `${p.namespace}/${p.name}`).sort();
  const shown = names.slice(0, EVENT_POD_NAMES).join(", ");
  return names.length > EVENT_POD_NAMES
    ? `${shown} and ${names.length - EVENT_POD_NAMES} more`
    : shown;
};

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
  const why =
    recreate === "dryRun"
      ? "dry run: nothing is deleted"
      : recreate
        ? "bare Pods, controlled by another kind, or over spec.recreateStuckPodsPerMinute"
        : "spec.recreateStuckPods is off";
  if (deleted.length > 0) {
    const rest = left.length
      ? ` ${plural(left.length, "more stuck Pod")} left (${why}): ${list(left)}.`
      : "";
    return {
      type: "Normal",
      reason: "RecreatedStuckPods",
      message:
        `Deleted ${plural(deleted.length, "Pod")} stuck on an image pull without this manager's pull Secrets ` +
        `(created before them) so that their controllers recreate them with the references: ${list(deleted)}.${rest}`,
    };
  }
  if (left.length === 0 || buildStuckSignature(stuck) === reported) return undefined;
  return {
    type: "Warning",
    reason: "StuckPods",
    message:
      `${plural(left.length, "Pod")} wait on an image pull without the pull Secrets this manager provides ` +
      `(created before them; ${why}): ${list(left)}. Delete them so that they are recreated with the references.`,
  };
}

/** Which stuck Pods were last reported: their uids, sorted. */
export function buildStuckSignature(stuck: Pick<StuckPod, "uid">[]): string {
  return stuck
    .map(p => p.uid)
    .sort()
    .join(",");
}
