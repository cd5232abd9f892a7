// validateManager on anything at all (what a webhook may be sent): it never throws, and answers with readable
// sentences, each naming a field (or the kind) and saying what to do, of bounded length even for huge values.
import fc from "fast-check";
import { validateManager } from "./validate";
import { RUNS } from "../../test/unit/helpers/arbitraries";

const KINDS = ["ImagePullSecretManager", "ClusterImagePullSecretManager"] as const;
const kind = fc.constantFrom(...KINDS);

// Near-valid specs: the right fields with values of any type, so the checks below the top level run too.
const anyValue = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("", "ghcr.io", '"}', "a\nb", "<x>", "Pod", "pod", "x".repeat(70_000)),
);
const entry = fc.record(
  {
    name: anyValue,
    registry: anyValue,
    username: anyValue,
    password: anyValue,
    email: anyValue,
    existingSecretRef: fc.oneof(anyValue, fc.record({ name: anyValue, namespace: anyValue })),
    extra: anyValue,
  },
  { requiredKeys: [] },
);
const selector = fc.oneof(
  anyValue,
  fc.record(
    {
      matchLabels: fc.oneof(anyValue, fc.dictionary(fc.string(), anyValue)),
      matchExpressions: fc.oneof(
        anyValue,
        fc.array(fc.record({ key: anyValue, operator: anyValue, values: anyValue })),
      ),
    },
    { requiredKeys: [] },
  ),
);
const spec = fc.record(
  {
    mode: anyValue,
    secrets: fc.oneof(anyValue, fc.array(fc.oneof(entry, anyValue), { maxLength: 4 })),
    serviceAccounts: fc.oneof(anyValue, fc.record({ names: anyValue, selector })),
    deletionPolicy: anyValue,
    dryRun: anyValue,
    matchImageRegistries: anyValue,
    namespaceSelector: selector,
    excludeNamespaces: fc.oneof(anyValue, fc.array(anyValue)),
    includeSystemNamespaces: fc.oneof(anyValue, fc.array(anyValue)),
    unknown: anyValue,
  },
  { requiredKeys: [] },
);

const MAX_MESSAGE = 1024;
function expectReadable(result: { errors: unknown; warnings: unknown }) {
  expect(Array.isArray(result.errors) && Array.isArray(result.warnings)).toBe(true);
  for (const m of [...(result.errors as unknown[]), ...(result.warnings as unknown[])]) {
    expect(typeof m).toBe("string");
    const text = m as string;
    expect(text).toMatch(/^(spec|kind)\b/);
    expect(text).toMatch(/[.!]$/);
    expect(text).toContain(":");
    expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE);
  }
}

describe("validateManager (property)", () => {
  it("never throws on any value and answers in sentences", () =>
    fc.assert(
      fc.property(kind, fc.anything(), (k, value) => expectReadable(validateManager(k, value))),
      RUNS,
    ));

  it("never throws on any JSON value", () =>
    fc.assert(
      fc.property(kind, fc.jsonValue(), (k, value) => expectReadable(validateManager(k, value))),
      RUNS,
    ));

  it("never throws on near-valid specs with hostile values, and is deterministic", () =>
    fc.assert(
      fc.property(kind, spec, (k, s) => {
        const result = validateManager(k, s);
        expectReadable(result);
        expect(validateManager(k, s)).toEqual(result);
      }),
      RUNS,
    ));

  it("refuses a kind that is not Cheiron's, whatever the spec", () =>
    fc.assert(
      fc.property(fc.string(), spec, (k, s) => {
        fc.pre(!(KINDS as readonly string[]).includes(k));
        const result = validateManager(k as (typeof KINDS)[number], s);
        expect(result.errors).toHaveLength(1);
        expectReadable(result);
      }),
      RUNS,
    ));
});
