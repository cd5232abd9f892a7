import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ADMISSION_IGNORED_NAMESPACES } from "../constants";
import type { Manager, ServiceAccountRef } from "./model";
import type { PodView } from "./stuck";
import { planStuckPod } from "./stuck-recreate";
import { clusterManager, meta, namespacedManager, ref } from "../../test/unit/helpers/fixtures";

const rsOwner = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "rs-uid" };
const stuckPod = (ns: string, own?: string[], owned = true): PodView => ({
  metadata: {
    name: "web-1-x",
    namespace: ns,
    uid: "pod-uid",
    ownerReferences: owned ? [{ ...rsOwner, controller: true }] : undefined,
  },
  spec: {
    containers: [{ image: "ghcr.io/org/app:1" }],
    ...(own ? { imagePullSecrets: own.map(name => ({ name })) } : {}),
  },
  status: { containerStatuses: [{ state: { waiting: { reason: "ImagePullBackOff" } } }] },
});
const account = (ns: string, names: string[]): ServiceAccountRef => ({
  name: "default",
  namespace: ns,
  hasAnnotations: false,
  imagePullSecrets: names.map(name => ({ name })),
});
const ghcr = { name: "ghcr", registry: "ghcr.io", username: "u", password: "p" };
const saMode = namespacedManager("m", "team", { secrets: [ghcr] });
const podMode = (ns = "team") => namespacedManager("m", ns, { mode: "Pod", secrets: [ghcr] });
const systemPodMode = (ns: string) =>
  clusterManager("c", {
    mode: "Pod",
    secrets: [ghcr],
    includeSystemNamespaces: [ns as "kube-system"],
  });
// A cluster manager copying infra/shared whose source is gone: the controller keeps the copies (attachable for it),
// admission reads status.problems and adds nothing.
const sourceMissing: Manager = clusterManager(
  "c",
  { mode: "Pod", secrets: [ref("shared", "infra")] },
  {
    status: {
      registries: [{ secret: "shared", registries: ["ghcr.io"] }],
      problems: [
        { namespace: "infra", secret: "shared", reason: "SourceSecretMissing", message: "gone" },
      ],
    },
  },
);

describe("planStuckPod: recreate only when a new Pod from the same template gets the missing names", () => {
  it.each<
    [string, Manager, string, PodView, ServiceAccountRef | undefined, string[], RegExp | undefined]
  >([
    [
      "ServiceAccount mode, the template lists none, the ServiceAccount has the name: recreatable",
      saMode,
      "team",
      stuckPod("team"),
      account("team", ["ghcr"]),
      ["ghcr"],
      undefined,
    ],
    [
      "ServiceAccount mode, the Pod's list was copied from the ServiceAccount (all on it now): recreatable",
      saMode,
      "team",
      stuckPod("team", ["mine"]),
      account("team", ["mine", "ghcr"]),
      ["ghcr"],
      undefined,
    ],
    [
      "ServiceAccount mode, the template sets its own imagePullSecrets",
      saMode,
      "team",
      stuckPod("team", ["regcred"]),
      account("team", ["ghcr"]),
      ["ghcr"],
      /^the Pod sets its own imagePullSecrets \(regcred\): a new Pod from this template would not get the ServiceAccount's entries .*use mode Pod/,
    ],
    [
      "ServiceAccount mode, the ServiceAccount does not hold the name (its patch is refused)",
      saMode,
      "team",
      stuckPod("team"),
      account("team", []),
      ["ghcr"],
      /^ServiceAccount team\/default does not reference ghcr yet/,
    ],
    [
      "Pod mode, admission adds the name: recreatable",
      podMode(),
      "team",
      stuckPod("team"),
      undefined,
      ["ghcr"],
      undefined,
    ],
    [
      "Pod mode, the template's own list does not matter (admission adds to it): recreatable",
      podMode(),
      "team",
      stuckPod("team", ["regcred"]),
      undefined,
      ["ghcr"],
      undefined,
    ],
    ...ADMISSION_IGNORED_NAMESPACES.map(
      ns =>
        [
          `Pod mode in ${ns}, which Pepr's webhooks never see (includeSystemNamespaces)`,
          systemPodMode(ns),
          ns,
          stuckPod(ns),
          undefined,
          ["ghcr"],
          new RegExp(`^Pepr's admission webhooks never see namespace ${ns}`),
        ] as [string, Manager, string, PodView, undefined, string[], RegExp],
    ),
    [
      "Pod mode, a namespaced manager in kube-system",
      podMode("kube-system"),
      "kube-system",
      stuckPod("kube-system"),
      undefined,
      ["ghcr"],
      /^Pepr's admission webhooks never see namespace kube-system/,
    ],
    [
      "Pod mode, the source is missing (the controller keeps the copy, admission does not add it)",
      sourceMissing,
      "team",
      stuckPod("team"),
      undefined,
      ["shared"],
      /^admission would not add shared to a new Pod .*status.problems/,
    ],
  ])("%s", (_name, m, ns, pod, sa, attachable, blocked) => {
    const stuck = planStuckPod(m, meta(ns), pod, sa, attachable, {});
    expect(stuck?.missing).toEqual(attachable);
    expect(stuck?.recreatable).toBe(true);
    if (blocked) expect(stuck?.blocked).toMatch(blocked);
    else expect(stuck?.blocked).toBeUndefined();
    expect(stuck?.owner).toBe("rs-uid");
  });

  it("a bare Pod is reported, never recreatable, and says why a new one would not help either", () => {
    const bare = planStuckPod(
      saMode,
      meta("team"),
      stuckPod("team", ["regcred"], false),
      account("team", ["ghcr"]),
      ["ghcr"],
      {},
    );
    expect(bare?.recreatable).toBe(false);
    expect(bare?.blocked).toMatch(/sets its own imagePullSecrets/);
    expect(bare?.owner).toBeUndefined();
  });

  it("carries the Pod's node and the pulls its replacement makes (one per image), for the node's pull budget", () => {
    const pod = stuckPod("team");
    pod.spec = {
      ...pod.spec,
      nodeName: "node-1",
      initContainers: [{ image: "ghcr.io/org/init:1" }],
    };
    const stuck = planStuckPod(saMode, meta("team"), pod, account("team", ["ghcr"]), ["ghcr"], {});
    expect(stuck).toMatchObject({ node: "node-1", pulls: 2 });
  });

  it("a Pod that lacks nothing is not stuck", () => {
    const fine = stuckPod("team", ["ghcr"]);
    expect(
      planStuckPod(saMode, meta("team"), fine, account("team", ["ghcr"]), ["ghcr"], {}),
    ).toBeUndefined();
  });
});

describe("ADMISSION_IGNORED_NAMESPACES", () => {
  it("is Pepr's fixed list plus package.json's pepr.alwaysIgnore and pepr.admission.alwaysIgnore", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")).pepr;
    const configured = [
      ...(pkg.alwaysIgnore?.namespaces ?? []),
      ...(pkg.admission?.alwaysIgnore?.namespaces ?? []),
    ];
    expect([...ADMISSION_IGNORED_NAMESPACES].sort()).toEqual(
      [...new Set(["kube-system", "pepr-system", ...configured])].sort(),
    );
  });
});
