import type { LabelSelector } from "../api/types";
import {
  buildTargetNamespaces,
  isManagerCoveringNamespace,
  isManagerSelectingServiceAccount,
  isOptedOut,
  matchLabelSelector,
} from "./selection";
import { clusterManager, meta, namespacedManager } from "../../test/unit/helpers/fixtures";

const labels = { app: "web", tier: "front" };

describe("matchLabelSelector", () => {
  it.each<[string, LabelSelector | undefined, Record<string, string> | undefined, boolean]>([
    ["undefined selector", undefined, undefined, true],
    ["empty selector", {}, labels, true],
    ["empty lists", { matchLabels: {}, matchExpressions: [] }, undefined, true],
    ["matchLabels hit", { matchLabels: { app: "web" } }, labels, true],
    ["matchLabels miss", { matchLabels: { app: "api" } }, labels, false],
    ["matchLabels AND", { matchLabels: { app: "web", tier: "back" } }, labels, false],
    ["matchLabels no labels", { matchLabels: { app: "web" } }, undefined, false],
    [
      "In hit",
      { matchExpressions: [{ key: "app", operator: "In", values: ["api", "web"] }] },
      labels,
      true,
    ],
    [
      "In miss",
      { matchExpressions: [{ key: "app", operator: "In", values: ["api"] }] },
      labels,
      false,
    ],
    [
      "In absent",
      { matchExpressions: [{ key: "x", operator: "In", values: ["web"] }] },
      labels,
      false,
    ],
    [
      "NotIn hit",
      { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] },
      labels,
      false,
    ],
    [
      "NotIn miss",
      { matchExpressions: [{ key: "app", operator: "NotIn", values: ["api"] }] },
      labels,
      true,
    ],
    [
      "NotIn absent",
      { matchExpressions: [{ key: "x", operator: "NotIn", values: ["a"] }] },
      labels,
      true,
    ],
    ["Exists", { matchExpressions: [{ key: "tier", operator: "Exists" }] }, labels, true],
    ["Exists absent", { matchExpressions: [{ key: "x", operator: "Exists" }] }, labels, false],
    ["DoesNotExist", { matchExpressions: [{ key: "x", operator: "DoesNotExist" }] }, labels, true],
    [
      "DoesNotExist present",
      { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] },
      labels,
      false,
    ],
    [
      "labels AND expressions",
      {
        matchLabels: { app: "web" },
        matchExpressions: [{ key: "tier", operator: "DoesNotExist" }],
      },
      labels,
      false,
    ],
  ])("%s", (_, selector, l, expected) => expect(matchLabelSelector(selector, l)).toBe(expected));
});

describe("isOptedOut", () => {
  it.each<[Record<string, string> | undefined, boolean]>([
    [undefined, false],
    [{ "cheiron.anny.co/ignore": "true" }, true],
    [{ "cheiron.anny.co/ignore": "false" }, false],
    [{ "cheiron.anny.co/reconcilable": "false" }, true],
    [{ "cheiron.anny.co/reconcilable": "true" }, false],
  ])("%j -> %s", (annotations, out) => expect(isOptedOut({ annotations })).toBe(out));
});

const nsList = [
  meta("team-b", { env: "prod" }),
  meta("team-a", { env: "prod" }),
  meta("dev", { env: "dev" }),
  meta("quiet", { env: "prod" }, { "cheiron.anny.co/ignore": "true" }),
  meta("old", { env: "prod" }, undefined, { terminating: true }),
  meta("kube-system", { env: "prod" }),
  meta("pepr-system"),
  meta("default"),
];

describe("buildTargetNamespaces", () => {
  it.each([
    ["namespaced: own namespace", namespacedManager("m", "team-a"), ["team-a"]],
    ["namespaced: missing namespace", namespacedManager("m", "gone"), []],
    ["namespaced: opted out", namespacedManager("m", "quiet"), []],
    ["namespaced: terminating", namespacedManager("m", "old"), []],
    [
      "namespaced: system namespace is its own",
      namespacedManager("m", "kube-system"),
      ["kube-system"],
    ],
    ["cluster: everything but system", clusterManager("c"), ["default", "dev", "team-a", "team-b"]],
    [
      "cluster: selector",
      clusterManager("c", { namespaceSelector: { matchLabels: { env: "prod" } } }),
      ["team-a", "team-b"],
    ],
    [
      "cluster: excluded and included system",
      clusterManager("c", {
        excludeNamespaces: ["dev", "default"],
        includeSystemNamespaces: ["kube-system"],
      }),
      ["kube-system", "team-a", "team-b"],
    ],
    [
      "cluster: excluded wins over included",
      clusterManager("c", {
        excludeNamespaces: ["kube-system"],
        includeSystemNamespaces: ["kube-system"],
      }),
      ["default", "dev", "team-a", "team-b"],
    ],
  ])("%s", (_, m, expected) => {
    expect(buildTargetNamespaces(m, nsList)).toEqual(expected);
    for (const ns of nsList) {
      expect(isManagerCoveringNamespace(m, ns)).toBe(expected.includes(ns.name));
    }
  });
});

describe("isManagerSelectingServiceAccount", () => {
  const sa = meta("builder", { role: "ci" });
  it.each([
    ["no selection", undefined, true],
    ["empty selection", {}, true],
    ["empty names", { names: [] }, true],
    ["name listed", { names: ["x", "builder"] }, true],
    ["name not listed", { names: ["default"] }, false],
    ["selector match", { selector: { matchLabels: { role: "ci" } } }, true],
    ["selector miss", { selector: { matchLabels: { role: "web" } } }, false],
    ["names OR selector", { names: ["default"], selector: { matchLabels: { role: "ci" } } }, true],
    ["neither", { names: ["default"], selector: { matchLabels: { role: "web" } } }, false],
  ])("%s", (_, serviceAccounts, expected) => {
    const m = clusterManager("c", { serviceAccounts });
    expect(isManagerSelectingServiceAccount(m, sa)).toBe(expected);
  });
});
