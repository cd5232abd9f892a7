// Status, Events and the finalizer of a manager. Neither status nor Events ever carry a credential: callers
// pass counts, names and reasons.
import { Log } from "pepr";
import type { ManagerStatus } from "../api/types";
import type { Manager } from "../domain/model";
import { API_VERSION, FIELD_MANAGER, FINALIZER } from "../constants";
import { apiClient } from "./client";
import { describeError, isNotFound } from "./errors";
import { paths } from "./paths";

/** Every status field (a Record, so that a new ManagerStatus field that is not listed fails to compile). */
const STATUS_FIELDS: Record<keyof ManagerStatus, true> = {
  observedGeneration: true,
  conditions: true,
  namespaces: true,
  secrets: true,
  serviceAccounts: true,
  pods: true,
  stuckPods: true,
  stuckPodNames: true,
  stuckPodReasons: true,
  problems: true,
  problemCount: true,
  plan: true,
  registries: true,
  credentials: true,
  unattachable: true,
};
const STATUS_KEYS = Object.keys(STATUS_FIELDS) as (keyof ManagerStatus)[];

/** Merge-patches the whole status; keys absent from `status` are removed (null). Returns the stored object. */
export async function writeStatus(m: Manager, status: ManagerStatus): Promise<unknown> {
  const body: Record<string, unknown> = {};
  for (const k of STATUS_KEYS) body[k] = status[k] ?? null;
  try {
    return await apiClient().patch(paths.manager(m, "status"), { status: body }, "merge");
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return undefined;
  }
}

export async function writeEvent(
  m: Manager,
  type: "Normal" | "Warning",
  reason: string,
  message: string,
) {
  const now = new Date().toISOString();
  const ns = m.namespace ?? "default";
  await apiClient().create(paths.events(ns), {
    apiVersion: "v1",
    kind: "Event",
    metadata: { namespace: ns, generateName: `${m.name}.` },
    involvedObject: {
      apiVersion: API_VERSION,
      kind: m.kind,
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
    },
    type,
    reason,
    message: message.slice(0, 1024),
    source: { component: FIELD_MANAGER },
    reportingComponent: FIELD_MANAGER,
    reportingInstance: process.env.HOSTNAME ?? FIELD_MANAGER,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  });
}

/** An Event whose failure is logged, not thrown: reporting must not fail a reconcile. */
export async function emitEvent(
  m: Manager,
  type: "Normal" | "Warning",
  reason: string,
  message: string,
) {
  try {
    await writeEvent(m, type, reason, message);
  } catch (e) {
    Log.warn(
      { manager: `${m.kind}/${m.namespace ?? ""}/${m.name}`, error: describeError(e) },
      "Cheiron could not write an Event",
    );
  }
}

/** Adds or removes our finalizer with a JSON Patch guarded by the manager's resourceVersion. */
export async function setFinalizer(m: Manager, present: boolean): Promise<unknown> {
  const list = m.finalizers ?? [];
  if (list.includes(FINALIZER) === present) return undefined;
  const next = present ? [...list, FINALIZER] : list.filter(f => f !== FINALIZER);
  return apiClient().patch(paths.manager(m), [
    { op: "replace", path: "/metadata/resourceVersion", value: m.resourceVersion },
    { op: m.finalizers ? "replace" : "add", path: "/metadata/finalizers", value: next },
  ]);
}
