// imagePullSecrets on ServiceAccounts and Pods: which names a target should carry, and merging them in
// without touching the entries its users wrote.
import {
  ANNOTATION_ATTACHED_BY,
  ANNOTATION_RECONCILABLE,
  ANNOTATION_RECONCILE_WITH,
  ANNOTATION_RECONCILED,
} from "../constants";
import { buildSecretRegistries } from "./desired";
import { buildManagerId, buildManagerKey } from "./ids";
import type { Manager, ObjectMeta, ReferenceMerge } from "./model";
import {
  isManagerCoveringNamespace,
  isManagerSelectingServiceAccount,
  isOptedOut,
} from "./selection";

/** The names of a comma-separated list such as reconcile-with: trimmed, empty ones dropped. */
export const parseNames = (value: string | undefined): string[] =>
  (value ?? "")
    .split(",")
    .map(s => s.trim())
    .filter(s => s !== "");

/** `name=managerId` pairs of the attached-by annotation. */
export function parseAttachedBy(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of parseNames(value)) {
    const eq = pair.indexOf("=");
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export interface MergeOptions {
  /** Desired name -> id of the manager that wants it (recorded in the attached-by annotation). */
  owners?: Record<string, string>;
  /**
   * Whether an entry recorded as ours but no longer desired may be removed, given the manager recorded for it
   * (undefined: none recorded) and its name. Default: always. The controller keeps entries of managers it does
   * not know yet, and of managers in dry-run.
   */
  isReleasable?: (owner: string | undefined, name: string) => boolean;
  /** owners replace recorded owners (the controller); otherwise they only fill entries with none (admission). */
  authoritative?: boolean;
  /** Names to stop recording as ours, the entries themselves kept (deletionPolicy Orphan). */
  release?: (name: string, owner: string | undefined) => boolean;
}

/**
 * Keeps every current entry in order except ours that are no longer desired (ours: listed in
 * reconcile-with) and repeated names; appends the desired names not yet present. A desired name the
 * user had already listed stays theirs. reconcilable "false" (an opt-out) is never removed. With
 * `owners`, the attached-by annotation records which manager each of our entries belongs to.
 */
export function mergeImagePullSecrets(
  current: { name?: string }[] | undefined,
  annotations: Record<string, string> | undefined,
  desired: string[],
  opts: MergeOptions = {},
): ReferenceMerge {
  const a = annotations ?? {};
  const recordedOwners = parseAttachedBy(a[ANNOTATION_ATTACHED_BY]);
  const released = (n: string) => opts.release?.(n, recordedOwners[n]) ?? false;
  const managed = new Set(parseNames(a[ANNOTATION_RECONCILE_WITH]).filter(n => !released(n)));
  const wanted = new Set(desired);
  const removable = (n: string) => opts.isReleasable?.(recordedOwners[n], n) ?? true;
  const list: { name: string }[] = [];
  const present = new Set<string>();
  for (const { name } of current ?? []) {
    if (!name) list.push({ name: name ?? "" });
    else if (!present.has(name) && (wanted.has(name) || !managed.has(name) || !removable(name))) {
      present.add(name);
      list.push({ name });
    }
  }
  const added = new Set<string>();
  for (const name of desired) {
    if (name === "" || present.has(name)) continue;
    present.add(name);
    added.add(name);
    list.push({ name });
  }
  const ours = list.map(e => e.name).filter(n => n !== "" && (managed.has(n) || added.has(n)));

  const out: Record<string, string | undefined> = {};
  const recordOwners = opts.owners !== undefined || ANNOTATION_ATTACHED_BY in a;
  if (ours.length > 0) {
    out[ANNOTATION_RECONCILE_WITH] = ours.join(",");
    // The opt-out stays: entries kept on an opted-out object (a manager not known yet) never undo it.
    if (a[ANNOTATION_RECONCILABLE] !== "false") out[ANNOTATION_RECONCILABLE] = "true";
    out[ANNOTATION_RECONCILED] = "true";
    if (recordOwners) {
      const pairs = ours
        .map(n => {
          const given = opts.owners?.[n];
          const owner = opts.authoritative
            ? (given ?? recordedOwners[n])
            : (recordedOwners[n] ?? given);
          return [n, owner] as const;
        })
        .filter(([, o]) => o !== undefined)
        .map(([n, o]) => `${n}=${o}`);
      out[ANNOTATION_ATTACHED_BY] = pairs.length ? pairs.join(",") : undefined;
    }
  } else if (
    ANNOTATION_RECONCILE_WITH in a ||
    ANNOTATION_RECONCILED in a ||
    ANNOTATION_ATTACHED_BY in a ||
    a[ANNOTATION_RECONCILABLE] === "true"
  ) {
    out[ANNOTATION_RECONCILE_WITH] = undefined;
    out[ANNOTATION_RECONCILED] = undefined;
    if (ANNOTATION_ATTACHED_BY in a) out[ANNOTATION_ATTACHED_BY] = undefined;
    if (a[ANNOTATION_RECONCILABLE] !== "false") out[ANNOTATION_RECONCILABLE] = undefined;
  }
  const before = (current ?? []).map(e => e.name ?? "");
  const changed =
    before.length !== list.length ||
    list.some((e, i) => e.name !== before[i]) ||
    Object.entries(out).some(([k, v]) => a[k] !== v);
  return { imagePullSecrets: list, annotations: out, changed };
}

/**
 * A manager in dry-run that is not being deleted: it writes nothing, and what it wrote before stays as it is
 * (frozen). A deleting manager cleans up for real, dry-run or not: its finalizer waits for that.
 */
export const isDryRunning = (m: Manager): boolean => Boolean(m.spec.dryRun) && !m.deleting;

const byAge = (x: Manager, y: Manager): number => {
  const key = (m: Manager) => [m.creationTimestamp, buildManagerKey(m)];
  const [a, b] = [key(x), key(y)];
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
};

/**
 * The Secret names a ServiceAccount or Pod should reference: the attach names of every live manager
 * of that mode that covers the namespace (and, in ServiceAccount mode, selects the ServiceAccount),
 * oldest manager first. None when the target or its namespace opted out. In Pod mode a manager with
 * matchImageRegistries keeps only Secrets for one of `podRegistries` (Secrets with unknown registries
 * are kept).
 */
export function buildDesiredReferences(
  target: ObjectMeta,
  namespace: ObjectMeta,
  managers: Manager[],
  mode: "ServiceAccount" | "Pod",
  attachable: (m: Manager, namespace: string) => string[],
  podRegistries?: string[],
  knownRegistries?: (m: Manager, namespace: string) => Record<string, string[]>,
): string[] {
  if (isOptedOut(target) || isOptedOut(namespace)) return [];
  const names: string[] = [];
  const selected = managers
    .filter(m => (m.spec.mode ?? "ServiceAccount") === mode && !m.deleting)
    .filter(m => isManagerCoveringNamespace(m, namespace))
    .filter(m => mode === "Pod" || isManagerSelectingServiceAccount(m, target))
    .sort(byAge);
  for (const m of selected) {
    let wanted = attachable(m, namespace.name);
    if (mode === "Pod" && m.spec.matchImageRegistries && podRegistries) {
      const known = knownRegistries?.(m, namespace.name) ?? {};
      const registries = buildSecretRegistries(m, namespace.name, known);
      wanted = wanted.filter(
        n => !Object.hasOwn(registries, n) || registries[n].some(r => podRegistries.includes(r)),
      );
    }
    for (const n of wanted) if (!names.includes(n)) names.push(n);
  }
  return names;
}

/**
 * Which manager each attachable name belongs to, for the attached-by record: the oldest live manager that
 * attaches it (the same order as buildDesiredReferences), so admission and controller record the same owner.
 */
export function buildReferenceOwners(
  managers: Manager[],
  attachable: (m: Manager) => string[],
): Record<string, string> {
  const owners: Record<string, string> = {};
  for (const m of managers.filter(x => !x.deleting).sort(byAge))
    for (const n of attachable(m)) owners[n] ??= buildManagerId(m);
  return owners;
}

/**
 * Admission only adds: the desired names plus the entries already recorded as ours that are still in the list.
 * Removing is the controller's job, so a view that lags a moment behind the controller never undoes its work.
 */
export function buildAdditiveReferences(
  desired: string[],
  current: { name?: string }[] | undefined,
  annotations: Record<string, string> | undefined,
): string[] {
  const present = new Set((current ?? []).map(r => r.name));
  const kept = parseNames(annotations?.[ANNOTATION_RECONCILE_WITH]).filter(
    n => present.has(n) && !desired.includes(n),
  );
  return [...desired, ...kept];
}
