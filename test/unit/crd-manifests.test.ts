// The CRDs in crds/ on their own: descriptions, bounds and CEL messages on every schema node, group, version,
// printer columns and defaults, and what differs between the namespaced and the cluster kind.
// Their agreement with src/api/types.ts is checked in crd-types.test.ts.
import {
  API_VERSION,
  GROUP,
  KIND_CLUSTER,
  KIND_NAMESPACED,
  MAX_STATUS_PROBLEMS,
  SYSTEM_NAMESPACES,
  VERSION,
} from "../../src/constants";
import { cluster, type Crd, namespaced, nodes, rootOf, specOf, statusOf } from "./crd-schema";

describe.each([
  ["imagepullsecretmanagers.yaml", namespaced],
  ["clusterimagepullsecretmanagers.yaml", cluster],
])("%s", (_file, crd) => {
  // The API server forbids anything but name and generateName under metadata, a description included.
  const all = nodes(rootOf(crd), "").filter(([path]) => path !== ".metadata");

  it("has a description on every schema node", () => {
    expect(all.filter(([, s]) => !s.description?.trim()).map(([path]) => path || "(root)")).toEqual(
      [],
    );
  });

  it("bounds every string and list, so the CEL rules stay within the API server's cost limits", () => {
    const unbounded = all
      .filter(([path]) => path !== ".apiVersion" && path !== ".kind")
      .filter(
        ([, s]) =>
          (s.type === "array" && s.maxItems === undefined) ||
          (s.type === "string" && s.maxLength === undefined && !s.enum && s.format !== "date-time"),
      )
      .map(([path]) => path);
    expect(unbounded).toEqual([]);
  });

  it("gives every CEL rule a message", () => {
    const rules = all.flatMap(([, s]) => s["x-kubernetes-validations"] ?? []);
    expect(rules.length).toBeGreaterThanOrEqual(5);
    for (const rule of rules) expect(rule.message).toMatch(/: /);
  });

  it("serves v1alpha1 of cheiron.anny.co with a status subresource and the printer columns", () => {
    expect(crd.apiVersion).toBe("apiextensions.k8s.io/v1");
    expect(crd.spec.group).toBe(GROUP);
    expect(crd.spec.names.categories).toEqual(["cheiron"]);
    expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.${GROUP}`);
    expect(crd.spec.versions).toHaveLength(1);
    const [version] = crd.spec.versions;
    expect(`${crd.spec.group}/${version.name}`).toBe(API_VERSION);
    expect(version).toMatchObject({
      name: VERSION,
      served: true,
      storage: true,
      subresources: { status: {} },
    });
    expect(version.additionalPrinterColumns.map(c => [c.name, c.type, c.jsonPath])).toEqual([
      ["Mode", "string", ".spec.mode"],
      ["Secrets", "integer", ".status.secrets"],
      ["Namespaces", "integer", ".status.namespaces"],
      ["Ready", "string", '.status.conditions[?(@.type=="Ready")].status'],
      ["Age", "date", ".metadata.creationTimestamp"],
    ]);
  });

  it("uses integers for counts, lists at most MAX_STATUS_PROBLEMS problems, and has the defaults", () => {
    const status = statusOf(crd).properties!;
    for (const count of [
      "observedGeneration",
      "namespaces",
      "secrets",
      "serviceAccounts",
      "pods",
      "problemCount",
    ]) {
      expect(status[count].type).toBe("integer");
    }
    expect(status.problems.maxItems).toBe(MAX_STATUS_PROBLEMS);
    const spec = specOf(crd);
    expect(spec.properties!.secrets).toMatchObject({ minItems: 1, maxItems: 50 });
    expect(spec.required).toEqual(["secrets"]);
    expect(spec.properties!.mode.default).toBe("ServiceAccount");
    expect(spec.properties!.deletionPolicy.default).toBe("Delete");
    expect(spec.properties!.dryRun.default).toBe(false);
    expect(spec.properties!.matchImageRegistries.default).toBe(false);
    // The README example's `existingSecretRef: {name: <my-registry>}` must stay valid.
    const ref = spec.properties!.secrets.items!.properties!.existingSecretRef.properties!.name;
    expect(ref).not.toHaveProperty("pattern");
  });
});

describe("what differs between the two kinds", () => {
  it("names and scope", () => {
    expect(namespaced.spec.names).toMatchObject({ kind: KIND_NAMESPACED, shortNames: ["ipsm"] });
    expect(namespaced.spec.scope).toBe("Namespaced");
    expect(cluster.spec.names).toMatchObject({ kind: KIND_CLUSTER, shortNames: ["cipsm"] });
    expect(cluster.spec.scope).toBe("Cluster");
  });

  it("existingSecretRef.namespace: forbidden on the namespaced kind, required on the cluster kind", () => {
    const rules = (crd: Crd) =>
      specOf(crd).properties!.secrets.items!.properties!.existingSecretRef[
        "x-kubernetes-validations"
      ]!.map(r => r.rule);
    expect(rules(namespaced)).toEqual(["!has(self.__namespace__)"]);
    expect(rules(cluster)).toEqual(["has(self.__namespace__)"]);
  });

  it("includeSystemNamespaces accepts exactly SYSTEM_NAMESPACES", () => {
    const items = specOf(cluster).properties!.includeSystemNamespaces.items!;
    expect(items.enum).toEqual(SYSTEM_NAMESPACES);
  });
});
