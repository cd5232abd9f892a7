import type { Problem } from "../api/types";
import { buildAttachNames, buildConfirmedAttachNames, buildSecretRegistries } from "./desired";
import type { Manager, SourceSecret } from "./model";
import {
  clusterManager,
  hubEntry,
  namespacedManager,
  ref,
  sources,
} from "../../test/unit/helpers/fixtures";

/** "ns/secret:Reason ..." as status problems. */
const withProblems = (m: Manager, list: string): Manager => ({
  ...m,
  status: {
    problems: list.split(" ").map(item => {
      const [where, reason] = item.split(":");
      const [namespace, secret] = where.split("/");
      return { namespace, secret, reason: reason as Problem["reason"], message: "x" };
    }),
  },
});

describe("buildAttachNames", () => {
  const nsm = namespacedManager("m", "team-a", {
    secrets: [
      hubEntry,
      ref("shared"),
      ref("<x>"),
      ref("gone"),
      { ...hubEntry, registry: "quay.io" },
    ],
  });
  const clm = clusterManager("c", {
    secrets: [ref("pull", "infra"), hubEntry, ref("pull", "infra", "mirror")],
  });
  it.each<[string, Manager, string, SourceSecret[] | undefined, string[]]>([
    ["namespaced, no status", nsm, "team-a", undefined, ["hub", "shared", "gone"]],
    ["namespaced, sources decide", nsm, "team-a", sources, ["hub", "shared"]],
    ["namespaced, other namespace", nsm, "team-b", undefined, ["hub"]],
    [
      "namespaced, status: missing source and conflict",
      withProblems(nsm, "team-a/gone:SourceSecretMissing team-a/hub:SecretConflict"),
      "team-a",
      undefined,
      ["shared"],
    ],
    // Issue 11 #2: a Secret the controller could not create here is not referenced here (it would dangle).
    // Issue 22 #1, #11: status.unattachable says where (uncapped); a WriteFailed problem alone (a failed update
    // of a Secret that exists) blocks nothing.
    [
      "namespaced, status: a Secret unattachable here blocks that name",
      { ...nsm, status: { unattachable: [{ secret: "hub", namespaces: ["team-a"] }] } },
      "team-a",
      undefined,
      ["shared", "gone"],
    ],
    [
      "namespaced, status: a write failure alone (an update) blocks nothing",
      withProblems(nsm, "team-a/hub:WriteFailed"),
      "team-a",
      undefined,
      ["hub", "shared", "gone"],
    ],
    [
      "namespaced, status: a problem in another namespace does not block",
      withProblems(nsm, "team-b/shared:ManagerConflict team-b/hub:WriteFailed"),
      "team-a",
      undefined,
      ["hub", "shared", "gone"],
    ],
    ["cluster, copy", clm, "a", undefined, ["pull", "hub", "mirror"]],
    ["cluster, source namespace", clm, "infra", sources, ["pull", "hub", "mirror"]],
    ["cluster, missing sources", clm, "a", [], ["hub"]],
    [
      "cluster, status: source invalid",
      withProblems(clm, "infra/pull:SourceSecretInvalid"),
      "a",
      undefined,
      ["hub"],
    ],
    [
      "cluster, status: conflict in one namespace only",
      withProblems(clm, "a/mirror:ManagerConflict a/hub:SecretConflict"),
      "a",
      undefined,
      ["pull"],
    ],
  ])("%s", (_, m, namespace, srcs, expected) =>
    expect(buildAttachNames(m, namespace, srcs)).toEqual(expected),
  );
});

describe("buildSecretRegistries", () => {
  it.each<[string, Manager, string, Record<string, string[]>, Record<string, string[]>]>([
    [
      "namespaced",
      namespacedManager("m", "team-a", { secrets: [hubEntry, ref("shared"), ref("unknown")] }),
      "team-a",
      { shared: ["quay.io"], other: ["x.io"] },
      { hub: ["docker.io"], shared: ["quay.io"] },
    ],
    [
      "cluster copy",
      clusterManager("c", {
        secrets: [
          ref("pull", "infra", "mirror"),
          { ...hubEntry, name: "q", registry: "https://Quay.io/" },
        ],
      }),
      "a",
      { mirror: ["ghcr.io"] },
      { mirror: ["ghcr.io"], q: ["quay.io"] },
    ],
  ])("%s", (_, m, namespace, known, expected) =>
    expect(buildSecretRegistries(m, namespace, known)).toEqual(expected),
  );
});

describe("buildConfirmedAttachNames", () => {
  const spec = {
    secrets: [
      { name: "inline", registry: "ghcr.io", username: "u", password: "p" },
      { existingSecretRef: { name: "gitlab-registry" } },
      { existingSecretRef: { name: "present" } },
    ],
  };
  const confirmedStatus = {
    registries: [{ secret: "present", registries: ["registry.example.com"] }],
  };

  it.each([
    ["no status yet: inline only", undefined, {}, ["inline"]],
    ["status confirms one source", confirmedStatus, {}, ["inline", "present"]],
    ["a dry-run manager has nothing ready", confirmedStatus, { dryRun: true }, []],
  ])("%s", (_, status, extra, expected) => {
    const m = namespacedManager("m", "team", { ...spec, ...extra }, { status });
    expect(buildConfirmedAttachNames(m, "team")).toEqual(expected);
  });
});
