// A manager's status, Events and finalizer as written to the API (the in-memory apiserver of the unit helpers):
// the status is one merge patch that removes every field it does not carry; the finalizer is one JSON Patch
// guarded by the resourceVersion; an Event that cannot be written never fails the caller.
import { ApiError } from "./api-error";
import { FINALIZER } from "../constants";
import type { ManagerStatus } from "../api/types";
import {
  buildFakeCluster,
  clusterManagerObj,
  namespacedManagerObj,
} from "../../test/unit/helpers/cluster";
import { emitEvent, setFinalizer, writeStatus } from "./report";

const NS_KEY = "ImagePullSecretManager/team/m";

function setup(finalizers?: string[]) {
  const c = buildFakeCluster();
  const obj = namespacedManagerObj("team", "m", {});
  if (finalizers) obj.metadata.finalizers = finalizers;
  else delete obj.metadata.finalizers;
  const stored = c.put(obj);
  return { c, stored, m: () => c.cache.manager(NS_KEY)! };
}

describe("writeStatus", () => {
  it("replaces the whole status: a field the new status lacks is removed", async () => {
    const { c, stored, m } = setup();
    c.put({ ...stored, status: { namespaces: 3, secrets: 2, plan: ["create Secret team/hub"] } });
    const status: ManagerStatus = { observedGeneration: 1, namespaces: 4 };
    await writeStatus(m(), status);
    expect(c.get(stored)!.status).toEqual({ observedGeneration: 1, namespaces: 4 });
    const [call] = c.api.callsTo("PATCH", "/status");
    expect(call.path).toMatch(/\/namespaces\/team\/imagepullsecretmanagers\/m\/status$/);
  });

  it("answers undefined for a manager deleted meanwhile (404), and rethrows anything else", async () => {
    const { c, stored, m } = setup();
    const manager = m();
    c.drop(stored);
    await expect(writeStatus(manager, { namespaces: 1 })).resolves.toBeUndefined();
    c.put(stored);
    c.api.fail = () => new ApiError("unavailable", 503, "ServiceUnavailable");
    await expect(writeStatus(manager, { namespaces: 1 })).rejects.toMatchObject({ status: 503 });
  });
});

describe("setFinalizer", () => {
  it("adds Cheiron's finalizer next to another one, guarded by the resourceVersion", async () => {
    const { c, stored, m } = setup(["other.io/keep"]);
    await setFinalizer(m(), true);
    expect(c.get(stored)!.metadata.finalizers).toEqual(["other.io/keep", FINALIZER]);
    expect(c.api.callsTo("PATCH", "/imagepullsecretmanagers/m")[0].body).toEqual([
      { op: "replace", path: "/metadata/resourceVersion", value: stored.metadata.resourceVersion },
      { op: "replace", path: "/metadata/finalizers", value: ["other.io/keep", FINALIZER] },
    ]);
  });

  it("adds the list to a manager that has none", async () => {
    const { c, stored, m } = setup();
    await setFinalizer(m(), true);
    expect(c.get(stored)!.metadata.finalizers).toEqual([FINALIZER]);
  });

  it("removes only its own finalizer", async () => {
    const { c, stored, m } = setup(["other.io/keep", FINALIZER]);
    await setFinalizer(m(), false);
    expect(c.get(stored)!.metadata.finalizers).toEqual(["other.io/keep"]);
  });

  it("writes nothing when the finalizer is already as wanted", async () => {
    const { c, m } = setup([FINALIZER]);
    await expect(setFinalizer(m(), true)).resolves.toBeUndefined();
    expect(c.api.calls).toEqual([]);
  });

  it("is refused (409) when the manager changed since it was read", async () => {
    const { c, stored, m } = setup();
    const old = m();
    c.put({ ...stored, metadata: { ...stored.metadata, labels: { changed: "yes" } } });
    await expect(setFinalizer(old, true)).rejects.toMatchObject({ status: 409 });
    expect(c.get(stored)!.metadata.finalizers).toBeUndefined();
  });
});

describe("emitEvent", () => {
  it("writes an Event about the manager, in its namespace, with the message cut at 1024 characters", async () => {
    const { c, m } = setup();
    await emitEvent(m(), "Warning", "CleanupFailed", "x".repeat(2000));
    const [call] = c.api.callsTo("POST", "/events");
    expect(call.path).toBe("/api/v1/namespaces/team/events");
    expect(call.body).toMatchObject({
      type: "Warning",
      reason: "CleanupFailed",
      message: "x".repeat(1024),
      involvedObject: { kind: "ImagePullSecretManager", name: "m", namespace: "team" },
    });
  });

  it("writes a cluster manager's Event in the default namespace", async () => {
    const c = buildFakeCluster();
    c.put(clusterManagerObj("all", {}));
    await emitEvent(c.cache.manager("ClusterImagePullSecretManager//all")!, "Normal", "R", "m");
    expect(c.api.callsTo("POST", "/events").map(x => x.path)).toEqual([
      "/api/v1/namespaces/default/events",
    ]);
  });

  it("does not fail its caller when the Event cannot be written", async () => {
    const { c, m } = setup();
    c.api.fail = () => new ApiError("forbidden", 403, "Forbidden");
    await expect(emitEvent(m(), "Normal", "Reconciled", "ok")).resolves.toBeUndefined();
    expect(c.api.callsTo("POST", "/events")).toHaveLength(1);
  });
});
