// Issue 22 #11d: a namespaced manager's existingSecretRef Secret that another tool deletes and creates again (an
// external secrets tool's re-creation) was detached from every ServiceAccount for that moment: the namespaced kind
// had no kept-copy rule. Now, like a cluster manager's kept copy, it stays referenced where this manager attached it.
import { ANNOTATION_ATTACHED_BY, ANNOTATION_RECONCILE_WITH } from "../constants";
import type { ServiceAccountRef } from "../domain/model";
import { clusterManager, namespacedManager, ref, source } from "../../test/unit/helpers/fixtures";
import { findKeptReferences, isRecordingFor } from "./sources";

const m = namespacedManager("m", "team", { secrets: [ref("pull"), ref("other")] });
const ID = "ipsm.team.m";
const sa = (names: string[], attachedBy?: string, name = "default"): ServiceAccountRef => ({
  namespace: "team",
  name,
  hasAnnotations: true,
  imagePullSecrets: names.map(n => ({ name: n })),
  annotations: {
    [ANNOTATION_RECONCILE_WITH]: names.join(","),
    ...(attachedBy !== undefined
      ? { [ANNOTATION_ATTACHED_BY]: names.map(n => `${n}=${attachedBy}`).join(",") }
      : {}),
  },
});

describe("findKeptReferences", () => {
  it.each<[string, ReturnType<typeof source>[], ServiceAccountRef[], string[]]>([
    [
      "Secret present: nothing kept (it is attached as it is)",
      [source("team", "pull")],
      [sa(["pull"], ID)],
      [],
    ],
    [
      "Secret missing, referenced for this manager: kept",
      [source("team", "other")],
      [sa(["pull"], ID)],
      ["pull"],
    ],
    [
      "referenced by one ServiceAccount of several: kept",
      [],
      [sa([]), sa(["pull"], ID, "b")],
      ["pull"],
    ],
    ["referenced before attached-by was recorded: kept", [], [sa(["pull"])], ["pull"]],
    ["Secret missing and never attached: not attached before it exists", [], [sa([])], []],
    [
      "referenced for another manager: not this manager's to keep",
      [],
      [sa(["pull"], "ipsm.team.x")],
      [],
    ],
    ["in spec order", [], [sa(["other", "pull"], ID)], ["pull", "other"]],
  ])("%s", (_what, present, accounts, want) => {
    expect(findKeptReferences(m, present, accounts)).toEqual(want);
  });

  it("a cluster manager keeps its copies, not references (namespace.ts keptHere)", () => {
    const c = clusterManager("c", { secrets: [ref("pull", "src")] });
    expect(findKeptReferences(c, [], [sa(["pull"], "cipsm.c")])).toEqual([]);
  });
});

describe("isRecordingFor", () => {
  it.each([
    ["recorded for it", sa(["pull"], ID), true],
    ["recorded without an owner, by entry name", sa(["pull"]), true],
    ["recorded for another manager", sa(["pull"], "ipsm.team.x"), false],
    ["nothing recorded", sa([]), false],
  ])("%s", (_what, account, want) => {
    expect(isRecordingFor(m)(account)).toBe(want);
  });
});
