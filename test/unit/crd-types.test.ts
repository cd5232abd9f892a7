// The CRD YAML in crds/ is the source of truth for the API; src/api/types.ts is written by hand to match it.
// This walks each CRD's openAPIV3Schema and the TypeScript interfaces (with the compiler API) down to every leaf,
// and fails when a field, its optionality, its type or its enum differs on one side only.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { parse } from "yaml";
import {
  API_VERSION,
  GROUP,
  KIND_CLUSTER,
  KIND_NAMESPACED,
  MAX_STATUS_PROBLEMS,
  SYSTEM_NAMESPACES,
  VERSION,
} from "../../src/constants";

const ROOT = join(__dirname, "..", "..");
const TYPES_FILE = join(ROOT, "src", "api", "types.ts");

interface Schema {
  type?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  enum?: unknown[];
  format?: string;
  maxItems?: number;
  maxLength?: number;
  default?: unknown;
  "x-kubernetes-validations"?: { rule: string; message?: string }[];
}

interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: {
      kind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: Record<string, unknown>;
      additionalPrinterColumns: { name: string; type: string; jsonPath: string }[];
      schema: { openAPIV3Schema: Schema };
    }[];
  };
}

function loadCrd(file: string): Crd {
  return parse(readFileSync(join(ROOT, "crds", file), "utf8")) as Crd;
}

const namespaced = loadCrd("imagepullsecretmanagers.yaml");
const cluster = loadCrd("clusterimagepullsecretmanagers.yaml");
const rootOf = (crd: Crd): Schema => crd.spec.versions[0].schema.openAPIV3Schema;
const specOf = (crd: Crd): Schema => rootOf(crd).properties!.spec;
const statusOf = (crd: Crd): Schema => rootOf(crd).properties!.status;

/** path -> "required|optional <type>", where type is string, number, boolean, object, map, array or enum(A|B). */
type Shape = Map<string, string>;

const enumOf = (values: string[]): string => `enum(${[...values].sort().join("|")})`;

function schemaShape(schema: Schema, path: string, out: Shape = new Map()): Shape {
  const describe = (s: Schema): string => {
    if (s.enum) return enumOf(s.enum.map(String));
    if (s.type === "integer" || s.type === "number") return "number";
    if (s.type === "object" && s.additionalProperties && !s.properties) return "map";
    return s.type ?? "unknown";
  };
  const walk = (s: Schema, at: string) => {
    if (s.type === "array" && s.items) {
      out.set(`${at}[]`, `required ${describe(s.items)}`);
      walk(s.items, `${at}[]`);
    } else if (s.type === "object" && typeof s.additionalProperties === "object") {
      out.set(`${at}{}`, `required ${describe(s.additionalProperties)}`);
      walk(s.additionalProperties, `${at}{}`);
    }
    for (const [key, child] of Object.entries(s.properties ?? {})) {
      const optional = (s.required ?? []).includes(key) ? "required" : "optional";
      out.set(`${at}.${key}`, `${optional} ${describe(child)}`);
      walk(child, `${at}.${key}`);
    }
  };
  walk(schema, path);
  return out;
}

/** The exported interfaces of src/api/types.ts, or of `text` in its place. */
function loadInterfaces(text?: string): {
  checker: ts.TypeChecker;
  find: (name: string) => ts.Type;
} {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  if (text !== undefined) {
    const original = host.getSourceFile.bind(host);
    host.getSourceFile = (file, lang, ...rest) =>
      file === TYPES_FILE ? ts.createSourceFile(file, text, lang) : original(file, lang, ...rest);
  }
  const program = ts.createProgram([TYPES_FILE], options, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(TYPES_FILE)!;
  const find = (name: string): ts.Type => {
    const symbol = checker
      .getExportsOfModule(checker.getSymbolAtLocation(source)!)
      .find(s => s.name === name);
    if (!symbol) throw new Error(`src/api/types.ts exports no ${name}`);
    return checker.getDeclaredTypeOfSymbol(symbol);
  };
  return { checker, find };
}

function typeShape(
  checker: ts.TypeChecker,
  type: ts.Type,
  path: string,
  out: Shape = new Map(),
): Shape {
  const describe = (t: ts.Type): string => {
    if (t.flags & ts.TypeFlags.BooleanLike) return "boolean";
    const members = t.isUnion() ? t.types : [t];
    if (members.every(m => m.isStringLiteral())) {
      return enumOf(members.map(m => (m as ts.StringLiteralType).value));
    }
    if (t.flags & ts.TypeFlags.String) return "string";
    if (t.flags & ts.TypeFlags.Number) return "number";
    if (checker.isArrayType(t)) return "array";
    if (t.getStringIndexType() && t.getProperties().length === 0) return "map";
    if (t.flags & ts.TypeFlags.Object) return "object";
    return checker.typeToString(t);
  };
  const walk = (t: ts.Type, at: string) => {
    if (checker.isArrayType(t)) {
      const item = checker.getTypeArguments(t as ts.TypeReference)[0];
      out.set(`${at}[]`, `required ${describe(item)}`);
      walk(item, `${at}[]`);
      return;
    }
    const value = t.getStringIndexType();
    if (value && t.getProperties().length === 0) {
      out.set(`${at}{}`, `required ${describe(value)}`);
      walk(value, `${at}{}`);
      return;
    }
    if (!(t.flags & ts.TypeFlags.Object)) return;
    for (const prop of checker.getPropertiesOfType(t)) {
      const declaration = prop.valueDeclaration ?? prop.declarations![0];
      const propType = checker.getNonNullableType(
        checker.getTypeOfSymbolAtLocation(prop, declaration),
      );
      const optional = prop.flags & ts.SymbolFlags.Optional ? "optional" : "required";
      out.set(`${at}.${prop.name}`, `${optional} ${describe(propType)}`);
      walk(propType, `${at}.${prop.name}`);
    }
  };
  walk(type, path);
  return out;
}

/**
 * Where the CRD deliberately narrows a plain string of types.ts to an enum: path -> what types.ts says.
 * (includeSystemNamespaces is an enum of SYSTEM_NAMESPACES, checked below; types.ts keeps string[].)
 */
const NARROWED_IN_CRD: Record<string, string> = {
  "spec.includeSystemNamespaces[]": "required string",
};

const isNarrowing = (path: string, crd?: string, types?: string): boolean =>
  NARROWED_IN_CRD[path] === types && /^required enum\(/.test(crd ?? "");

/** One line per path whose description differs, or that one side lacks. */
function diff(crd: Shape, types: Shape): string[] {
  const paths = [...new Set([...crd.keys(), ...types.keys()])].sort();
  return paths
    .filter(p => crd.get(p) !== types.get(p) && !isNarrowing(p, crd.get(p), types.get(p)))
    .map(p => `${p}: CRD ${crd.get(p) ?? "lacks it"}, types.ts ${types.get(p) ?? "lacks it"}`);
}

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

/** Every schema node below the root, with its path. */
function nodes(schema: Schema, path: string): [string, Schema][] {
  const out: [string, Schema][] = [[path, schema]];
  if (schema.items) out.push(...nodes(schema.items, `${path}[]`));
  if (typeof schema.additionalProperties === "object") {
    out.push(...nodes(schema.additionalProperties, `${path}{}`));
  }
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    out.push(...nodes(child, `${path}.${key}`));
  }
  return out;
}

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
