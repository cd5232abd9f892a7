// Helpers for the CRD unit tests (crd-types.test.ts, crd-manifests.test.ts): the CRDs in crds/ as parsed YAML,
// and the walks that turn a CRD's openAPIV3Schema and a TypeScript interface of src/api/types.ts (through the
// compiler API) into comparable shapes. Not a test file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { parse } from "yaml";

const ROOT = join(__dirname, "..", "..");
export const TYPES_FILE = join(ROOT, "src", "api", "types.ts");

export interface Schema {
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

export interface Crd {
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

export const namespaced = loadCrd("imagepullsecretmanagers.yaml");
export const cluster = loadCrd("clusterimagepullsecretmanagers.yaml");
export const rootOf = (crd: Crd): Schema => crd.spec.versions[0].schema.openAPIV3Schema;
export const specOf = (crd: Crd): Schema => rootOf(crd).properties!.spec;
export const statusOf = (crd: Crd): Schema => rootOf(crd).properties!.status;

/** path -> "required|optional <type>", where type is string, number, boolean, object, map, array or enum(A|B). */
export type Shape = Map<string, string>;

const enumOf = (values: string[]): string => `enum(${[...values].sort().join("|")})`;

export function schemaShape(schema: Schema, path: string, out: Shape = new Map()): Shape {
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
export function loadInterfaces(text?: string): {
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

export function typeShape(
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
 * (includeSystemNamespaces is an enum of SYSTEM_NAMESPACES, checked in crd-manifests.test.ts;
 * types.ts keeps string[].)
 */
const NARROWED_IN_CRD: Record<string, string> = {
  "spec.includeSystemNamespaces[]": "required string",
};

const isNarrowing = (path: string, crd?: string, types?: string): boolean =>
  NARROWED_IN_CRD[path] === types && /^required enum\(/.test(crd ?? "");

/** One line per path whose description differs, or that one side lacks. */
export function diff(crd: Shape, types: Shape): string[] {
  const paths = [...new Set([...crd.keys(), ...types.keys()])].sort();
  return paths
    .filter(p => crd.get(p) !== types.get(p) && !isNarrowing(p, crd.get(p), types.get(p)))
    .map(p => `${p}: CRD ${crd.get(p) ?? "lacks it"}, types.ts ${types.get(p) ?? "lacks it"}`);
}

/** Every schema node below the root, with its path. */
export function nodes(schema: Schema, path: string): [string, Schema][] {
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
