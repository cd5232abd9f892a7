// Issue 11 #6: a source that disappears for a moment (an external secrets tool re-creating it) must not delete
// every copy. Before, the desired state simply lost the entry and every copy was deleted and detached.
import { buildKeptCopyNames } from "./entries";
import type { SourceSecret } from "./model";
import { clusterManager, namespacedManager } from "../../test/unit/helpers/fixtures";

const source = (namespace: string, name: string): SourceSecret => ({
  namespace,
  name,
  type: "kubernetes.io/dockerconfigjson",
  data: { ".dockerconfigjson": "e30=" },
});
const copy = (name: string, as?: string) => ({
  existingSecretRef: { name, namespace: "src" },
  ...(as ? { name: as } : {}),
});

describe("buildKeptCopyNames", () => {
  it.each([
    ["source present: nothing kept", [copy("a")], [source("src", "a")], []],
    ["source missing: its copy kept", [copy("a")], [], ["a"]],
    ["renamed copy kept under its own name", [copy("a", "pull")], [], ["pull"]],
    ["only the missing one", [copy("a"), copy("b")], [source("src", "b")], ["a"]],
    [
      "another namespace's Secret of that name does not count",
      [copy("a")],
      [source("other", "a")],
      ["a"],
    ],
  ])("%s", (_what, secrets, sources, want) => {
    expect(buildKeptCopyNames(clusterManager("c", { secrets }), sources)).toEqual(want);
  });

  it("the namespaced kind uses its Secrets as they are: nothing to keep", () => {
    const m = namespacedManager("m", "team", { secrets: [{ existingSecretRef: { name: "a" } }] });
    expect(buildKeptCopyNames(m, [])).toEqual([]);
  });
});
