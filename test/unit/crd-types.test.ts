// The CRD YAML in crds/ is the source of truth for the API; src/api/types.ts is written by hand to match it.
// This walks each CRD's openAPIV3Schema and the TypeScript interfaces (with the compiler API) down to every leaf,
// and fails when a field, its optionality, its type or its enum differs on one side only.
// The walks themselves are in crd-schema.ts; the other checks of the CRDs are in crd-manifests.test.ts.
import { readFileSync } from "node:fs";
import {
  cluster,
  diff,
  loadInterfaces,
  namespaced,
  type Schema,
  schemaShape,
  type Shape,
  specOf,
  statusOf,
  typeShape,
  TYPES_FILE,
} from "./crd-schema";

const clone = <T>(value: T): T => structuredClone(value);

const interfaces = loadInterfaces();
const tsShape = (name: string, path: string, from = interfaces): Shape =>
  typeShape(from.checker, from.find(name), path);

describe("the CRDs and src/api/types.ts agree", () => {
  it.each([
    ["ImagePullSecretManager spec", specOf(namespaced), "ImagePullSecretManagerSpec", "spec"],
    [
      "ClusterImagePullSecretManager spec",
      specOf(cluster),
      "ClusterImagePullSecretManagerSpec",
      "spec",
    ],
    ["ImagePullSecretManager status", statusOf(namespaced), "ManagerStatus", "status"],
    ["ClusterImagePullSecretManager status", statusOf(cluster), "ManagerStatus", "status"],
  ])("%s", (_name, schema, iface, path) => {
    expect(diff(schemaShape(schema, path), tsShape(iface, path))).toEqual([]);
  });

  it("sees every field (the walk is not vacuous)", () => {
    const shape = schemaShape(specOf(cluster), "spec");
    expect(shape.get("spec.secrets")).toBe("required array");
    expect(shape.get("spec.secrets[].existingSecretRef.name")).toBe("required string");
    expect(shape.get("spec.mode")).toBe("optional enum(Pod|ServiceAccount)");
    expect(shape.get("spec.namespaceSelector.matchLabels{}")).toBe("required string");
    expect(shape.get("spec.namespaceSelector.matchExpressions[].operator")).toBe(
      "required enum(DoesNotExist|Exists|In|NotIn)",
    );
    expect(tsShape("ManagerStatus", "status").get("status.conditions[].observedGeneration")).toBe(
      "optional number",
    );
    expect(shape.size).toBeGreaterThan(30);
  });
});

describe("the comparison fails when one side changes", () => {
  const nsSpec = (): Schema => clone(specOf(namespaced));
  const expected = (): Shape => tsShape("ImagePullSecretManagerSpec", "spec");

  it("a field added to the CRD only", () => {
    const spec = nsSpec();
    spec.properties!.secrets.items!.properties!.token = { type: "string", description: "x" };
    expect(diff(schemaShape(spec, "spec"), expected())).toEqual([
      "spec.secrets[].token: CRD optional string, types.ts lacks it",
    ]);
  });

  it("a field removed from the CRD only", () => {
    const spec = nsSpec();
    delete spec.properties!.dryRun;
    expect(diff(schemaShape(spec, "spec"), expected())).toEqual([
      "spec.dryRun: CRD lacks it, types.ts optional boolean",
    ]);
  });

  it("a field made required in the CRD only", () => {
    const spec = nsSpec();
    spec.required = [...(spec.required ?? []), "mode"];
    expect(diff(schemaShape(spec, "spec"), expected())).toEqual([
      "spec.mode: CRD required enum(Pod|ServiceAccount), types.ts optional enum(Pod|ServiceAccount)",
    ]);
  });

  it("an enum value added in the CRD only", () => {
    const spec = nsSpec();
    spec.properties!.deletionPolicy.enum!.push("Retain");
    expect(diff(schemaShape(spec, "spec"), expected())).toEqual([
      "spec.deletionPolicy: CRD optional enum(Delete|Orphan|Retain), types.ts optional enum(Delete|Orphan)",
    ]);
  });

  it("a field added to types.ts only", () => {
    const text = readFileSync(TYPES_FILE, "utf8");
    const changed = text.replace(
      /^(\s*)dryRun\?: boolean;$/m,
      "$1dryRun?: boolean;\n$1resyncSeconds?: number;",
    );
    expect(changed).not.toBe(text);
    const shape = tsShape("ImagePullSecretManagerSpec", "spec", loadInterfaces(changed));
    expect(diff(schemaShape(specOf(namespaced), "spec"), shape)).toEqual([
      "spec.resyncSeconds: CRD lacks it, types.ts optional number",
    ]);
  });
});
