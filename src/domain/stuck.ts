// Stuck Pods: Pods waiting on an image pull (ErrImagePull, ImagePullBackOff) whose imagePullSecrets lack a Secret
// their manager now provides, because they were created before it. Pure: src/controllers/stuck-pods.ts reads the
// Pods, asks here which are stuck and when to look again, and stuck-recreate.ts whether deleting one helps.
import type { Manager, ObjectMeta, ServiceAccountRef } from "./model";
import { buildDesiredReferences } from "./references";
import { buildPodImageRegistries } from "./registry";

export const PULL_WAITING_REASONS = ["ErrImagePull", "ImagePullBackOff"];
/** Controller kinds (by API group) that recreate a deleted Pod from their template. */
export const RECREATING_OWNERS: Record<string, string> = {
  ReplicaSet: "apps",
  StatefulSet: "apps",
  DaemonSet: "apps",
  Job: "batch",
};
export const MAX_STUCK_NAMES = 20;
/** A reason in status.stuckPodReasons has at most this many characters (the CRD's maxLength). */
export const MAX_STUCK_REASON = 1024;
/** A namespace with stuck Pods is read again at most this often. */
export const STUCK_RECHECK_MS = 60_000;

interface ContainerStatus {
  state?: { waiting?: { reason?: string } };
}

/** The part of a Pod the check needs. */
export interface PodView {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    ownerReferences?: {
      apiVersion?: string;
      kind?: string;
      name?: string;
      uid?: string;
      controller?: boolean;
    }[];
  };
  spec?: {
    nodeName?: string;
    serviceAccountName?: string;
    imagePullSecrets?: { name?: string }[];
    containers?: { image?: string }[];
    initContainers?: { image?: string }[];
  };
  status?: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
}

export interface StuckPod {
  namespace: string;
  name: string;
  uid: string;
  /** Owned (controller: true) by a ReplicaSet, StatefulSet, DaemonSet or Job: deleting it brings it back. */
  recreatable: boolean;
  /** The manager's names the Pod lacks. */
  missing: string[];
  /** Its controller's uid (the recreation back-off is per owner). */
  owner?: string;
  /** Its node (spec.nodeName), whose image pulls its deletion spends (stuck-pace.ts), and how many (its images). */
  node?: string;
  pulls?: number;
  /** Why a new Pod from its template would lack them too (it is then never deleted); unset when it would not. */
  blocked?: string;
}

/** Some container or init container waits with ErrImagePull or ImagePullBackOff. */
export function isWaitingOnPull(pod: PodView): boolean {
  const all = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
  ];
  return all.some(c => PULL_WAITING_REASONS.includes(c.state?.waiting?.reason ?? ""));
}

/** Its controller owner is a ReplicaSet, StatefulSet or DaemonSet (apps) or a Job (batch); never a bare Pod. */
export function isRecreatable(pod: PodView): boolean {
  const owner = (pod.metadata?.ownerReferences ?? []).find(r => r.controller === true);
  if (!owner?.kind || !Object.hasOwn(RECREATING_OWNERS, owner.kind)) return false;
  return (owner.apiVersion ?? "").split("/")[0] === RECREATING_OWNERS[owner.kind];
}

/**
 * The names manager `m` provides to this Pod in `ns`: in mode ServiceAccount what it attaches to the Pod's
 * ServiceAccount (`sa`, undefined when it does not exist), in mode Pod what admission would add to the Pod.
 */
export function buildExpectedNames(
  m: Manager,
  ns: ObjectMeta,
  pod: PodView,
  sa: ServiceAccountRef | undefined,
  attachable: string[],
  knownRegistries: Record<string, string[]> = {},
): string[] {
  if ((m.spec.mode ?? "ServiceAccount") === "ServiceAccount") {
    return sa ? buildDesiredReferences(sa, ns, [m], "ServiceAccount", () => attachable) : [];
  }
  const meta: ObjectMeta = {
    name: pod.metadata?.name ?? "",
    namespace: ns.name,
    labels: pod.metadata?.labels,
    annotations: pod.metadata?.annotations,
  };
  const registries = buildPodImageRegistries(pod);
  return buildDesiredReferences(
    meta,
    ns,
    [m],
    "Pod",
    () => attachable,
    registries,
    () => knownRegistries,
  );
}

/** A Pod waiting on a pull that lacks one of `expected`, not being deleted already; undefined otherwise. */
export function buildStuckPod(pod: PodView, expected: string[]): StuckPod | undefined {
  if (pod.metadata?.deletionTimestamp || !isWaitingOnPull(pod)) return undefined;
  const has = new Set((pod.spec?.imagePullSecrets ?? []).map(r => r.name));
  const missing = expected.filter(n => !has.has(n));
  if (missing.length === 0) return undefined;
  return {
    namespace: pod.metadata?.namespace ?? "",
    name: pod.metadata?.name ?? "",
    uid: pod.metadata?.uid ?? "",
    recreatable: isRecreatable(pod),
    missing,
  };
}

/** `namespace/name`, sorted, at most MAX_STUCK_NAMES. */
export function buildStuckPodNames(stuck: Pick<StuckPod, "namespace" | "name">[]): string[] {
  return stuck
    .map(p => `${p.namespace}/${p.name}`)
    .sort()
    .slice(0, MAX_STUCK_NAMES);
}

/** Why stuck Pods are left in place although deleting them is asked for (blocked), sorted, at most MAX_STUCK_NAMES. */
export function buildStuckPodReasons(stuck: StuckPod[]): { pod: string; reason: string }[] {
  return stuck
    .flatMap(p => (p.blocked ? [{ pod: `${p.namespace}/${p.name}`, reason: p.blocked }] : []))
    .map(r =>
      r.reason.length > MAX_STUCK_REASON
        ? { ...r, reason: `${r.reason.slice(0, MAX_STUCK_REASON - 1)}…` }
        : r,
    )
    .sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0))
    .slice(0, MAX_STUCK_NAMES);
}

/** What the last check of one namespace saw. */
export interface NamespaceCheck {
  /** The names attachable there at that check. */
  names: string[];
  /** Stuck Pods found there. */
  stuck: number;
  /** When (ms). */
  at: number;
  /** Recreatable Pods were left there for lack of tokens: look again at this time (ms), before the re-check. */
  retryAt?: number;
}

/**
 * The covered namespaces whose Pods to read now: those where a name became attachable since their last check
 * (or never checked, e.g. after a restart), every one after a spec change, and those where stuck Pods were found
 * at least STUCK_RECHECK_MS ago, or whose retryAt (Pods left for lack of tokens) has come. Nothing otherwise: a manager with no stuck Pods reads nothing when idle.
 */
export function selectNamespacesToCheck(
  attachable: Record<string, string[]>,
  last: ReadonlyMap<string, NamespaceCheck>,
  specChanged: boolean,
  now: number,
): string[] {
  return Object.entries(attachable)
    .filter(([ns, names]) => {
      if (names.length === 0) return false;
      const seen = last.get(ns);
      if (!seen || specChanged) return true;
      if (names.some(n => !seen.names.includes(n))) return true;
      if (seen.retryAt !== undefined && now >= seen.retryAt) return true;
      return seen.stuck > 0 && now - seen.at >= STUCK_RECHECK_MS;
    })
    .map(([ns]) => ns)
    .sort();
}
