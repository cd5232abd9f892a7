// Whether deleting a stuck Pod (src/domain/stuck.ts) helps: its controller makes a new Pod from the same template,
// and that Pod gets a manager's names only the way any new Pod does. In mode ServiceAccount the apiserver's
// ServiceAccount admission plugin copies the ServiceAccount's imagePullSecrets into a Pod that lists none (never
// into one that lists its own); in mode Pod Cheiron's admission adds them (src/domain/admitted.ts), where Pepr's
// webhooks see the namespace. And how often one owner may lose a Pod: a back-off that grows, per owner.
import { ADMISSION_IGNORED_NAMESPACES } from "../constants";
import { buildAdmittedPodNames } from "./admitted";
import type { Manager, ObjectMeta, ServiceAccountRef } from "./model";
import { buildPodImageRegistries } from "./registry";
import { buildExpectedNames, buildStuckPod, PodView, StuckPod } from "./stuck";
import { buildPodPulls } from "./stuck-pace";

/**
 * A stuck Pod serves nothing, so deleting it costs no availability; the rate only keeps a manager that appears
 * over many stuck Pods from deleting them all in one burst. 60 a minute lets the stuck Deployments of a typical
 * team recover in the first look.
 */
export const DEFAULT_RECREATE_PER_MINUTE = 60;
export const MAX_RECREATE_PER_MINUTE = 100;
/** One owner loses a Pod at most once in this long, doubled after each time… */
export const RECREATE_BACKOFF_BASE_MS = 60_000;
/** …up to this. */
export const RECREATE_BACKOFF_MAX_MS = 60 * 60_000;
/** An owner that lost no Pod for this long starts again at the base (and is forgotten). */
export const RECREATE_BACKOFF_RESET_MS = 2 * RECREATE_BACKOFF_MAX_MS;

const names = (list: { name?: string }[] | undefined): string[] =>
  (list ?? []).map(r => r.name ?? "").filter(n => n !== "");

/** The uid of the Pod's controller (ownerReferences with controller: true); undefined for a bare Pod. */
export function buildOwnerKey(pod: PodView): string | undefined {
  return (pod.metadata?.ownerReferences ?? []).find(r => r.controller === true)?.uid || undefined;
}

/**
 * Why a new Pod made from `pod`'s template would still lack `missing`, in words a user can act on; undefined when
 * it would get them all.
 */
export function buildRecreateBlocker(
  m: Manager,
  ns: ObjectMeta,
  pod: PodView,
  sa: ServiceAccountRef | undefined,
  missing: string[],
): string | undefined {
  const list = missing.join(", ");
  if ((m.spec.mode ?? "ServiceAccount") === "ServiceAccount") {
    const onAccount = names(sa?.imagePullSecrets);
    const own = names(pod.spec?.imagePullSecrets);
    // A list the plugin copied holds only names the ServiceAccount had; one with any other name is the template's.
    if (own.some(n => !onAccount.includes(n)))
      return (
        `the Pod sets its own imagePullSecrets (${own.join(", ")}): a new Pod from this template would not get ` +
        `the ServiceAccount's entries (Kubernetes copies them only into Pods that list none); add ${list} to ` +
        `the template, or use mode Pod`
      );
    const lacking = missing.filter(n => !onAccount.includes(n));
    if (lacking.length > 0)
      return (
        `ServiceAccount ${ns.name}/${sa?.name ?? pod.spec?.serviceAccountName ?? "default"} does not reference ` +
        `${lacking.join(", ")} yet (Cheiron could not update it: see the manager's Events), so a new Pod would ` +
        `not get it either`
      );
    return undefined;
  }
  if (ADMISSION_IGNORED_NAMESPACES.includes(ns.name))
    return (
      `Pepr's admission webhooks never see namespace ${ns.name}, so a new Pod there would not get ${list}: ` +
      `add it to the Pod template, or use mode ServiceAccount`
    );
  const meta: ObjectMeta = {
    name: pod.metadata?.name ?? "",
    namespace: ns.name,
    labels: pod.metadata?.labels,
    annotations: pod.metadata?.annotations,
  };
  const admitted = buildAdmittedPodNames(meta, ns, [m], buildPodImageRegistries(pod));
  const lacking = missing.filter(n => !admitted.includes(n));
  if (lacking.length > 0)
    return (
      `admission would not add ${lacking.join(", ")} to a new Pod now (a source Secret missing or invalid, ` +
      `or a Secret not written yet: see status.problems)`
    );
  return undefined;
}

/**
 * The Pod as a stuck Pod of manager `m` (see buildStuckPod), with its controller's uid (`owner`), its node and
 * pulls (stuck-pace.ts) and, when a new Pod from its template would not get what it lacks either, why (`blocked`):
 * such a Pod is never deleted.
 */
export function planStuckPod(
  m: Manager,
  ns: ObjectMeta,
  pod: PodView,
  sa: ServiceAccountRef | undefined,
  attachable: string[],
  knownRegistries: Record<string, string[]>,
): StuckPod | undefined {
  const expected = buildExpectedNames(m, ns, pod, sa, attachable, knownRegistries);
  const stuck = buildStuckPod(pod, expected);
  if (!stuck) return undefined;
  const owner = buildOwnerKey(pod);
  const blocked = buildRecreateBlocker(m, ns, pod, sa, stuck.missing);
  const node = pod.spec?.nodeName;
  return {
    ...stuck,
    ...(owner ? { owner } : {}),
    ...(node ? { node } : {}),
    pulls: buildPodPulls(pod),
    ...(blocked ? { blocked } : {}),
  };
}

/** spec.recreateStuckPodsPerMinute, bounded to 1..MAX_RECREATE_PER_MINUTE (default DEFAULT_RECREATE_PER_MINUTE). */
export function buildRecreateRate(value: unknown): number {
  const n = typeof value === "number" && Number.isFinite(value) ? Math.floor(value) : NaN;
  if (Number.isNaN(n)) return DEFAULT_RECREATE_PER_MINUTE;
  return Math.min(MAX_RECREATE_PER_MINUTE, Math.max(1, n));
}

/**
 * Per owner (uid): when it last lost Pods to a recreation and how many times in a row. After the n-th time it
 * waits RECREATE_BACKOFF_BASE_MS * 2^(n-1), at most RECREATE_BACKOFF_MAX_MS.
 */
export class RecreateBackoff {
  private owners = new Map<string, { times: number; last: number }>();

  get size(): number {
    return this.owners.size;
  }

  allows(owner: string, now: number): boolean {
    const o = this.owners.get(owner);
    if (!o) return true;
    const wait = Math.min(RECREATE_BACKOFF_MAX_MS, RECREATE_BACKOFF_BASE_MS * 2 ** (o.times - 1));
    return now - o.last >= wait;
  }

  /** The owner lost Pods now. Owners idle for RECREATE_BACKOFF_RESET_MS are forgotten. */
  record(owner: string, now: number): void {
    for (const [k, o] of this.owners)
      if (now - o.last >= RECREATE_BACKOFF_RESET_MS) this.owners.delete(k);
    const times = (this.owners.get(owner)?.times ?? 0) + 1;
    this.owners.set(owner, { times, last: now });
  }
}
