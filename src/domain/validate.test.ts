import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { isPlaceholderName, isRegistry, validateManager } from "./validate";
import { CL, clusterRef, inline, type Kind, NS, ref } from "../../test/unit/helpers/validate";

const SAMPLES = join(__dirname, "..", "..", "samples");

function docs(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(join(SAMPLES, file), "utf8")).map(
    d => d.toJS() as Record<string, unknown>,
  );
}

const sampleManagers = readdirSync(SAMPLES)
  .filter(f => f.endsWith(".yaml"))
  .flatMap(file =>
    docs(file)
      .filter(d => d.kind === NS || d.kind === CL)
      .map(d => ({ file, kind: d.kind as Kind, spec: d.spec })),
  );

describe("validateManager: valid specs", () => {
  it.each<[string, Kind, unknown]>([
    ["one inline entry", NS, { secrets: [inline] }],
    ["one existingSecretRef entry", NS, { secrets: [ref] }],
    [
      "existingSecretRef renamed",
      NS,
      { secrets: [{ name: "copy", existingSecretRef: { name: "regcred" } }, ref] },
    ],
    ["cluster existingSecretRef", CL, { secrets: [clusterRef] }],
    [
      "Pod mode with matchImageRegistries",
      NS,
      { mode: "Pod", matchImageRegistries: true, secrets: [inline] },
    ],
    [
      "matchImageRegistries false in ServiceAccount mode",
      NS,
      { matchImageRegistries: false, secrets: [inline] },
    ],
    [
      "every optional field",
      NS,
      { mode: "ServiceAccount", deletionPolicy: "Orphan", dryRun: true, secrets: [inline, ref] },
    ],
    [
      "ServiceAccount selection",
      NS,
      {
        secrets: [inline],
        serviceAccounts: {
          names: ["default", "builder.v2"],
          selector: {
            matchLabels: { team: "a" },
            matchExpressions: [
              { key: "tier", operator: "In", values: ["web"] },
              { key: "legacy", operator: "DoesNotExist" },
            ],
          },
        },
      },
    ],
    [
      "namespace selection",
      CL,
      {
        secrets: [clusterRef],
        namespaceSelector: {
          matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }],
        },
        excludeNamespaces: ["default"],
        includeSystemNamespaces: ["kube-system", "pepr-system"],
      },
    ],
    ...[
      "https://index.docker.io/v1",
      "https://index.docker.io/v1/",
      "ghcr.io",
      "registry.example.com:5000",
      "localhost:5000",
      "10.0.0.1:5000",
      "https://my.reg/path",
      "http://localhost:5000",
      "[::1]:5000",
      "Registry.Example.com",
      "docker.io/library",
    ].map((registry): [string, Kind, unknown] => [
      `registry ${registry}`,
      NS,
      { secrets: [{ ...inline, registry }] },
    ]),
  ])("%s", (_name, kind, spec) => {
    expect(validateManager(kind, spec)).toEqual({ errors: [], warnings: [] });
  });
});

describe("validateManager: warnings", () => {
  it("accepts a placeholder existingSecretRef.name with a warning", () => {
    expect(
      validateManager(NS, { secrets: [{ existingSecretRef: { name: "<my-registry>" } }] }),
    ).toEqual({
      errors: [],
      warnings: [
        'spec.secrets[0].existingSecretRef.name "<my-registry>" is a placeholder from the example: it is accepted, but it is reported in status (PlaceholderReference) until you replace it with the name of a real Secret.',
      ],
    });
  });

  it("warns about unknown fields (which the API server drops)", () => {
    expect(
      validateManager(NS, { secrets: [{ ...ref, existingSecretRefs: {} }], dryrun: true }).warnings,
    ).toEqual([
      "spec.dryrun is not a known field and will be dropped: check its spelling or remove it.",
      "spec.secrets[0].existingSecretRefs is not a known field and will be dropped: check its spelling or remove it.",
    ]);
  });

  it("reports every error of a spec, not just the first", () => {
    const { errors } = validateManager(NS, {
      mode: "Node",
      deletionPolicy: "Keep",
      secrets: [{ name: "x" }],
    });
    expect(errors).toHaveLength(3);
  });
});

describe("isPlaceholderName", () => {
  it.each([
    ["<my-registry>", true],
    ["<>", true],
    ["my-registry", false],
    ["<my-registry", false],
    ["my-registry>", false],
    ["<", false],
  ])("%s -> %s", (name, expected) => {
    expect(isPlaceholderName(name)).toBe(expected);
  });
});

describe("isRegistry", () => {
  it("refuses a bare path and a host with an empty label", () => {
    expect(isRegistry("/v1")).toBe(false);
    expect(isRegistry("ghcr..io")).toBe(false);
  });
});

describe("samples", () => {
  it("seed-example.yaml is the README example: zero errors and exactly one warning (its placeholder)", () => {
    const seed = sampleManagers.find(m => m.file === "seed-example.yaml");
    expect(seed).toBeDefined();
    const result = validateManager(seed!.kind, seed!.spec);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain(
      'spec.secrets[3].existingSecretRef.name "<my-registry>" is a placeholder',
    );
  });

  it("every sample has at least one manager", () => {
    const files = readdirSync(SAMPLES).filter(f => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) expect(sampleManagers.some(m => m.file === file)).toBe(true);
  });

  it.each(sampleManagers.map(m => [`${m.file}: ${m.kind}`, m] as const))(
    "%s has zero errors",
    (_name, m) => {
      expect(validateManager(m.kind, m.spec).errors).toEqual([]);
    },
  );
});
