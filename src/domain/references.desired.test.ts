import type { Manager, ObjectMeta } from "./model";
import { buildDesiredReferences } from "./references";
import {
  clusterManager,
  hubEntry,
  meta,
  namespacedManager,
  ref,
} from "../../test/unit/helpers/fixtures";

const at = (creationTimestamp: string) => ({ creationTimestamp });
const managers: Manager[] = [
  clusterManager("late", {}, at("2024-03-01T00:00:00Z")),
  namespacedManager("early", "team-a", {}, at("2024-01-01T00:00:00Z")),
  clusterManager("b-tie", {}, at("2024-02-01T00:00:00Z")),
  clusterManager("a-tie", {}, at("2024-02-01T00:00:00Z")),
  clusterManager("pods", { mode: "Pod" }),
  clusterManager("gone", {}, { deleting: true }),
  clusterManager(
    "builders",
    { serviceAccounts: { names: ["builder"] } },
    at("2024-04-01T00:00:00Z"),
  ),
  namespacedManager("elsewhere", "team-b"),
  clusterManager("prod-only", { namespaceSelector: { matchLabels: { env: "prod" } } }),
];
const ATTACH: Record<string, string[]> = {
  late: ["shared", "late"],
  early: ["early", "shared"],
  "a-tie": ["a"],
  "b-tie": ["b"],
  pods: ["p"],
  gone: ["gone"],
  builders: ["ci"],
  elsewhere: ["x"],
  "prod-only": ["prod"],
};
const attachable = (m: Manager, namespace: string) =>
  namespace === "team-a" || namespace === "kube-system" ? ATTACH[m.name] : [];
const teamA = meta("team-a", { env: "dev" });
const ignore = { "cheiron.anny.co/ignore": "true" };

describe("buildDesiredReferences", () => {
  it.each<[string, ObjectMeta, ObjectMeta, "ServiceAccount" | "Pod", string[]]>([
    [
      "default SA, oldest first",
      meta("default"),
      teamA,
      "ServiceAccount",
      ["early", "shared", "a", "b", "late"],
    ],
    [
      "selected SA",
      meta("builder"),
      teamA,
      "ServiceAccount",
      ["early", "shared", "a", "b", "late", "ci"],
    ],
    [
      "selector namespace",
      meta("default"),
      meta("team-a", { env: "prod" }),
      "ServiceAccount",
      ["prod", "early", "shared", "a", "b", "late"],
    ],
    ["SA opted out", meta("default", {}, ignore), teamA, "ServiceAccount", []],
    [
      "namespace opted out",
      meta("default"),
      meta("team-a", {}, { "cheiron.anny.co/reconcilable": "false" }),
      "ServiceAccount",
      [],
    ],
    ["system namespace", meta("default"), meta("kube-system"), "ServiceAccount", []],
    ["Pod mode", meta("web-0"), teamA, "Pod", ["p"]],
    ["Pod opted out", meta("web-0", {}, ignore), teamA, "Pod", []],
  ])("%s", (_, target, ns, mode, expected) =>
    expect(buildDesiredReferences(target, ns, managers, mode, attachable)).toEqual(expected),
  );

  const podManager = clusterManager("pods", {
    mode: "Pod",
    matchImageRegistries: true,
    secrets: [
      hubEntry,
      { ...hubEntry, name: "q", registry: "quay.io" },
      ref("pull", "infra", "mirror"),
      ref("pull", "infra", "unknown"),
    ],
  });
  const all = () => ["hub", "q", "mirror", "unknown"];
  const known = () => ({ mirror: ["ghcr.io", "quay.io"] });
  it.each<[string, Manager, string[] | undefined, string[]]>([
    ["quay.io pod", podManager, ["quay.io"], ["q", "mirror", "unknown"]],
    ["docker.io pod", podManager, ["docker.io"], ["hub", "unknown"]],
    ["no pod registries given", podManager, undefined, all()],
    [
      "matchImageRegistries off",
      { ...podManager, spec: { ...podManager.spec, matchImageRegistries: false } },
      ["x.io"],
      all(),
    ],
  ])("registry-aware Pod mode: %s", (_, m, registries, expected) => {
    const refs = buildDesiredReferences(meta("p"), teamA, [m], "Pod", all, registries, known);
    expect(refs).toEqual(expected);
  });
});
