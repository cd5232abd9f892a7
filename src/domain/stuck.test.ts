import {
  buildExpectedNames,
  buildStuckPod,
  buildStuckPodNames,
  isRecreatable,
  isWaitingOnPull,
  NamespaceCheck,
  PodView,
  selectNamespacesToCheck,
} from "./stuck";
import { buildRecreateRate } from "./stuck-recreate";
import { meta, namespacedManager } from "../../test/unit/helpers/fixtures";
import type { ServiceAccountRef } from "./model";

const waiting = (reason: string) => ({ state: { waiting: { reason } } });
const pod = (over: Partial<PodView> = {}, statuses = [waiting("ErrImagePull")]): PodView => ({
  metadata: { name: "p", namespace: "team", uid: "u1", ...(over.metadata ?? {}) },
  spec: { containers: [{ image: "ghcr.io/org/app:1" }], ...(over.spec ?? {}) },
  status: over.status ?? { containerStatuses: statuses },
});
const owner = (kind: string, apiVersion: string, controller: boolean | undefined = true) => ({
  metadata: { name: "p", namespace: "team", ownerReferences: [{ kind, apiVersion, controller }] },
});

describe("isWaitingOnPull", () => {
  it.each([
    ["ErrImagePull on a container", { containerStatuses: [waiting("ErrImagePull")] }, true],
    ["ImagePullBackOff on a container", { containerStatuses: [waiting("ImagePullBackOff")] }, true],
    [
      "ImagePullBackOff on an init container",
      { initContainerStatuses: [waiting("ImagePullBackOff")] },
      true,
    ],
    [
      "one of two containers",
      { containerStatuses: [{ state: {} }, waiting("ErrImagePull")] },
      true,
    ],
    ["CrashLoopBackOff", { containerStatuses: [waiting("CrashLoopBackOff")] }, false],
    ["ContainerCreating", { containerStatuses: [waiting("ContainerCreating")] }, false],
    ["running", { containerStatuses: [{ state: { running: {} } }] }, false],
    ["no statuses yet", {}, false],
  ])("%s: %s", (_name, status, expected) => {
    expect(isWaitingOnPull(pod({ status: status as PodView["status"] }))).toBe(expected);
  });
});

describe("isRecreatable", () => {
  it.each([
    ["ReplicaSet (apps/v1)", owner("ReplicaSet", "apps/v1"), true],
    ["StatefulSet (apps/v1)", owner("StatefulSet", "apps/v1"), true],
    ["DaemonSet (apps/v1)", owner("DaemonSet", "apps/v1"), true],
    ["Job (batch/v1)", owner("Job", "batch/v1"), true],
    ["ReplicaSet not the controller", owner("ReplicaSet", "apps/v1", false), false],
    [
      "ReplicaSet, controller unset",
      { metadata: { ownerReferences: [{ kind: "ReplicaSet", apiVersion: "apps/v1" }] } },
      false,
    ],
    ["ReplicationController", owner("ReplicationController", "v1"), false],
    ["a CRD named ReplicaSet", owner("ReplicaSet", "example.com/v1"), false],
    ["a Job of another group", owner("Job", "apps/v1"), false],
    ["some operator's kind", owner("Workflow", "argoproj.io/v1alpha1"), false],
    ["a bare Pod", { metadata: { name: "p" } }, false],
  ])("%s: %s", (_name, p, expected) => {
    expect(isRecreatable(p as PodView)).toBe(expected);
  });
});

describe("buildExpectedNames", () => {
  const ns = meta("team");
  const sa = (name: string, extra: Partial<ServiceAccountRef> = {}): ServiceAccountRef => ({
    name,
    namespace: "team",
    hasAnnotations: false,
    ...extra,
  });
  const saMode = namespacedManager("m", "team", { serviceAccounts: { names: ["builder"] } });
  const podMode = namespacedManager("m", "team", { mode: "Pod" });
  const entry = (name: string, registry: string) => ({
    name,
    registry,
    username: "u",
    password: "p",
  });
  const registryAware = namespacedManager("m", "team", {
    mode: "Pod",
    matchImageRegistries: true,
    secrets: [entry("ghcr", "ghcr.io"), entry("quay", "quay.io")],
  });
  const known = {};

  it.each([
    ["SA mode, its selected ServiceAccount", saMode, sa("builder"), ["ghcr"]],
    ["SA mode, a ServiceAccount it does not select", saMode, sa("default"), []],
    ["SA mode, the ServiceAccount is missing", saMode, undefined, []],
    [
      "SA mode, the ServiceAccount opted out",
      saMode,
      sa("builder", { annotations: { "cheiron.anny.co/reconcilable": "false" } }),
      [],
    ],
    ["Pod mode, every name", podMode, undefined, ["ghcr", "quay"]],
    ["Pod mode, registry-aware: ghcr.io image", registryAware, undefined, ["ghcr"]],
  ])("%s", (_name, m, account, expected) => {
    const names = m.spec.mode === "Pod" ? ["ghcr", "quay"] : ["ghcr"];
    expect(buildExpectedNames(m, ns, pod(), account, names, known)).toEqual(expected);
  });

  it("another namespace's manager expects nothing", () => {
    expect(buildExpectedNames(podMode, meta("other"), pod(), undefined, ["ghcr"])).toEqual([]);
  });
});

describe("buildStuckPod", () => {
  const refs = (...n: string[]) => ({ spec: { imagePullSecrets: n.map(name => ({ name })) } });
  it.each([
    ["no references, pull failing", pod(), ["ghcr"], ["ghcr"]],
    ["has the name already", pod(refs("ghcr")), ["ghcr"], undefined],
    ["lacks one of two", pod(refs("ghcr")), ["ghcr", "quay"], ["quay"]],
    ["the user's own names do not count", pod(refs("mine")), ["ghcr"], ["ghcr"]],
    ["nothing expected", pod(), [], undefined],
    ["not waiting on a pull", pod({}, [waiting("CrashLoopBackOff")]), ["ghcr"], undefined],
    [
      "being deleted already",
      pod({
        metadata: { name: "p", namespace: "team", deletionTimestamp: "2024-01-01T00:00:00Z" },
      }),
      ["ghcr"],
      undefined,
    ],
  ])("%s", (_name, p, expected, missing) => {
    expect(buildStuckPod(p, expected)?.missing).toEqual(missing);
  });

  it("says whether a controller recreates it", () => {
    const owned = pod(owner("ReplicaSet", "apps/v1"));
    expect(buildStuckPod(owned, ["ghcr"])).toEqual({
      namespace: "team",
      name: "p",
      uid: "u1",
      recreatable: true,
      missing: ["ghcr"],
    });
    expect(buildStuckPod(pod(), ["ghcr"])?.recreatable).toBe(false);
  });
});

describe("buildStuckPodNames", () => {
  it("sorts namespace/name and keeps 20", () => {
    const list = Array.from({ length: 25 }, (_, i) => ({ namespace: "ns", name: `p${100 + i}` }));
    const names = buildStuckPodNames([{ namespace: "a", name: "z" }, ...list.reverse()]);
    expect(names).toHaveLength(20);
    expect(names[0]).toBe("a/z");
    expect(names[1]).toBe("ns/p100");
  });
});

describe("buildRecreateRate", () => {
  it.each([
    [undefined, 60],
    [1, 1],
    [25, 25],
    [100, 100],
    [0, 1],
    [1000, 100],
    [2.7, 2],
    ["5", 60],
  ])("%s -> %s", (value, expected) => {
    expect(buildRecreateRate(value)).toBe(expected);
  });
});

describe("selectNamespacesToCheck", () => {
  const now = 1_000_000;
  const seen = (names: string[], stuck: number, ago: number): NamespaceCheck => ({
    names,
    stuck,
    at: now - ago,
  });
  it.each<[string, Record<string, string[]>, [string, NamespaceCheck][], boolean, string[]]>([
    ["never checked (a new namespace, or a restart)", { a: ["x"] }, [], false, ["a"]],
    ["nothing attachable there", { a: [] }, [], false, []],
    ["idle: same names, no stuck Pods", { a: ["x"] }, [["a", seen(["x"], 0, 600_000)]], false, []],
    ["a name became attachable", { a: ["x", "y"] }, [["a", seen(["x"], 0, 1000)]], false, ["a"]],
    ["a name went away only", { a: ["x"] }, [["a", seen(["x", "y"], 0, 1000)]], false, []],
    ["stuck Pods, checked 59 s ago", { a: ["x"] }, [["a", seen(["x"], 2, 59_000)]], false, []],
    ["stuck Pods, checked 60 s ago", { a: ["x"] }, [["a", seen(["x"], 2, 60_000)]], false, ["a"]],
    ["the spec changed", { a: ["x"], b: ["x"] }, [["a", seen(["x"], 0, 1)]], true, ["a", "b"]],
    [
      "waiting for a token, not yet",
      { a: ["x"] },
      [["a", { ...seen(["x"], 2, 1000), retryAt: now + 1 }]],
      false,
      [],
    ],
    [
      "waiting for a token, due",
      { a: ["x"] },
      [["a", { ...seen(["x"], 2, 6000), retryAt: now }]],
      false,
      ["a"],
    ],
  ])("%s", (_name, attachable, last, specChanged, expected) => {
    expect(selectNamespacesToCheck(attachable, new Map(last), specChanged, now)).toEqual(expected);
  });
});
