import type { SecretEntry } from "../api/types";
import { buildAsIsNames, buildEntryNames, checkSource, resolveEntries } from "./entries";
import type { Manager, SourceSecret } from "./model";
import {
  clusterManager,
  hubEntry,
  namespacedManager,
  ref,
  sources,
} from "../../test/unit/helpers/fixtures";

const summary = (m: Manager) =>
  resolveEntries(m).map(r =>
    r.kind === "placeholder"
      ? `placeholder ${r.problem.namespace}/${r.problem.secret}`
      : r.kind === "inline"
        ? `inline ${r.name}`
        : `${r.kind} ${r.name} <- ${r.source.namespace}/${r.source.name}`,
  );

describe("resolveEntries", () => {
  it.each<[string, Manager, string[]]>([
    [
      "namespaced kind",
      namespacedManager("m", "team-a", {
        secrets: [hubEntry, ref("shared"), ref("other", "ignored")],
      }),
      ["inline hub", "existing shared <- team-a/shared", "existing other <- team-a/other"],
    ],
    [
      "cluster kind",
      clusterManager("c", { secrets: [ref("pull", "infra"), ref("pull", "infra", "mirror")] }),
      ["copy pull <- infra/pull", "copy mirror <- infra/pull"],
    ],
    [
      "placeholders",
      clusterManager("c", {
        secrets: [ref("<n>", "infra"), ref("pull", "<ns>"), ref("pull", "infra", "<as>")],
      }),
      ["placeholder infra/<n>", "placeholder <ns>/pull", "placeholder /<as>"],
    ],
    [
      "unusable entries are dropped",
      clusterManager("c", { secrets: [{ registry: "ghcr.io" }, ref("pull"), {} as SecretEntry] }),
      [],
    ],
    [
      "first entry wins a name",
      clusterManager("c", {
        secrets: [hubEntry, ref("hub", "infra"), ref("pull", "infra", "hub")],
      }),
      ["inline hub"],
    ],
  ])("%s", (_, m, expected) => expect(summary(m)).toEqual(expected));
});

describe("checkSource", () => {
  it.each<[string, SourceSecret[], string]>([
    ["dockerconfigjson", sources, "ok ghcr.io"],
    ["missing", [], "SourceSecretMissing"],
    ["Opaque", [{ ...sources[1], type: "Opaque" }], "SourceSecretInvalid"],
    ["no type", [{ ...sources[1], type: undefined }], "SourceSecretInvalid"],
    ["no data", [{ ...sources[1], data: undefined }], "SourceSecretInvalid"],
    ["other namespace", [{ ...sources[1], namespace: "elsewhere" }], "SourceSecretMissing"],
  ])("%s", (_, srcs, expected) => {
    const c = checkSource({ namespace: "infra", name: "pull" }, srcs);
    expect(c.ok ? `ok ${c.registries.join(",")}` : c.problem.reason).toBe(expected);
    if (!c.ok) expect(c.problem).toMatchObject({ namespace: "infra", secret: "pull" });
  });
});

describe("buildAsIsNames and buildEntryNames", () => {
  const pull = (namespace: string, name: string, type = "kubernetes.io/dockerconfigjson") => ({
    namespace,
    name,
    type,
    data: {
      ".dockerconfigjson": Buffer.from(JSON.stringify({ auths: { "ghcr.io": {} } })).toString(
        "base64",
      ),
    },
  });
  const ns = namespacedManager("m", "team", {
    secrets: [
      { name: "inline", registry: "ghcr.io", username: "u", password: "p" },
      { existingSecretRef: { name: "present" } },
      { existingSecretRef: { name: "missing" } },
      { existingSecretRef: { name: "<my-registry>" } },
    ],
  });
  const cl = clusterManager("c", {
    secrets: [
      { existingSecretRef: { name: "src", namespace: "sources" } },
      { name: "renamed", existingSecretRef: { name: "src2", namespace: "sources" } },
    ],
  });

  it("lists the namespaced kind's existing Secrets that exist, and nothing else", () => {
    expect(buildAsIsNames(ns, [pull("team", "present"), pull("team", "other")])).toEqual({
      team: ["present"],
    });
  });

  it("skips an existing Secret of the wrong type", () => {
    expect(buildAsIsNames(ns, [pull("team", "present", "Opaque")])).toEqual({});
  });

  it("lists a cluster source in its own namespace only when the copy keeps its name", () => {
    expect(buildAsIsNames(cl, [pull("sources", "src"), pull("sources", "src2")])).toEqual({
      sources: ["src"],
    });
  });

  it("gives entry names in spec order without placeholders", () => {
    expect(buildEntryNames(ns)).toEqual(["inline", "present", "missing"]);
    expect(buildEntryNames(cl)).toEqual(["src", "renamed"]);
  });
});
