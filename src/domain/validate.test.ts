import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { isPlaceholderName, isRegistry, validateManager } from "./validate";

type Kind = "ImagePullSecretManager" | "ClusterImagePullSecretManager";
const NS: Kind = "ImagePullSecretManager";
const CL: Kind = "ClusterImagePullSecretManager";

const SAMPLES = join(__dirname, "..", "..", "samples");

const inline = { name: "ghcr", registry: "ghcr.io", username: "u", password: "p" };
const ref = { existingSecretRef: { name: "regcred" } };
const clusterRef = { existingSecretRef: { name: "regcred", namespace: "sources" } };

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

describe("validateManager: invalid specs", () => {
  it.each<[string, Kind, unknown, string]>([
    ["spec missing", NS, undefined, "spec is required: add a spec with at least a secrets list."],
    [
      "unknown mode",
      NS,
      { mode: "Node", secrets: [inline] },
      'spec.mode must be ServiceAccount or Pod, not "Node": set it to one of them, or remove it to use the default ServiceAccount.',
    ],
    [
      "no secrets",
      NS,
      { mode: "Pod" },
      "spec.secrets must list at least one entry: add an entry with inline credentials or an existingSecretRef.",
    ],
    [
      "empty secrets",
      CL,
      { secrets: [] },
      "spec.secrets must list at least one entry: add an entry with inline credentials or an existingSecretRef.",
    ],
    [
      "entry not an object",
      NS,
      { secrets: ["ghcr"] },
      "spec.secrets[0] must be an object: give it inline credentials (name, registry, username, password) or an existingSecretRef.",
    ],
    [
      "inline and existingSecretRef",
      NS,
      { secrets: [inline, { ...inline, name: "both", existingSecretRef: { name: "x" } }] },
      "spec.secrets[1] sets both inline credentials (registry, username, password) and existingSecretRef: keep one of them and remove the other.",
    ],
    [
      "email and existingSecretRef",
      NS,
      { secrets: [{ email: "a@b.c", existingSecretRef: { name: "x" } }] },
      "spec.secrets[0] sets both inline credentials (email) and existingSecretRef: keep one of them and remove the other.",
    ],
    [
      "neither inline nor existingSecretRef",
      NS,
      { secrets: [{ name: "lonely" }] },
      "spec.secrets[0] has neither inline credentials nor existingSecretRef: add name, registry, username and password, or an existingSecretRef.",
    ],
    [
      "inline without registry",
      NS,
      { secrets: [{ ...inline, registry: undefined }] },
      "spec.secrets[0].registry is required with inline credentials: set it to the registry host, for example ghcr.io.",
    ],
    [
      "inline without username",
      NS,
      { secrets: [{ ...inline, username: undefined }] },
      "spec.secrets[0].username is required with inline credentials: set it to the registry user name.",
    ],
    [
      "inline with empty password",
      NS,
      { secrets: [{ ...inline, password: "" }] },
      "spec.secrets[0].password is required with inline credentials: set it to the registry password or access token.",
    ],
    [
      "inline without name",
      NS,
      { secrets: [{ ...inline, name: undefined }] },
      "spec.secrets[0].name is required with inline credentials: set it to the name of the Secret to create.",
    ],
    [
      "inline password not a string",
      NS,
      { secrets: [{ ...inline, password: 1234 }] },
      "spec.secrets[0].password must be a string: quote the value.",
    ],
    ...[
      "ftp://x",
      "not a host",
      "http://",
      ":5000",
      "host:99999",
      "https://",
      "reg_istry.io",
      "ghcr.io:0",
    ].map((registry): [string, Kind, unknown, string] => [
      `registry ${registry}`,
      NS,
      { secrets: [{ ...inline, registry }] },
      `spec.secrets[0].registry ${JSON.stringify(registry)} is not a registry host, host:port or http(s) URL: use a value like ghcr.io, registry.example.com:5000 or https://index.docker.io/v1.`,
    ]),
    [
      "duplicate inline names",
      NS,
      { secrets: [inline, { ...inline, registry: "docker.io" }] },
      'spec.secrets[1] makes the Secret "ghcr" that spec.secrets[0] already makes: give each entry a distinct name.',
    ],
    [
      "duplicate effective name from existingSecretRef",
      NS,
      { secrets: [{ ...inline, name: "regcred" }, ref] },
      'spec.secrets[1] makes the Secret "regcred" that spec.secrets[0] already makes: give each entry a distinct name.',
    ],
    [
      "existingSecretRef.namespace on the namespaced kind",
      NS,
      { secrets: [clusterRef] },
      "spec.secrets[0].existingSecretRef.namespace is not allowed on an ImagePullSecretManager: remove it and keep the source Secret in the manager's namespace, or use a ClusterImagePullSecretManager.",
    ],
    [
      "existingSecretRef without namespace on the cluster kind",
      CL,
      { secrets: [ref] },
      "spec.secrets[0].existingSecretRef.namespace is required on a ClusterImagePullSecretManager: set it to the namespace of the source Secret.",
    ],
    [
      "existingSecretRef.namespace not a namespace name",
      CL,
      { secrets: [{ existingSecretRef: { name: "regcred", namespace: "Sources" } }] },
      `spec.secrets[0].existingSecretRef.namespace "Sources" is not a valid namespace name: use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters.`,
    ],
    [
      "existingSecretRef without name",
      NS,
      { secrets: [{ existingSecretRef: {} }] },
      "spec.secrets[0].existingSecretRef.name is required: set it to the name of the source Secret.",
    ],
    [
      "existingSecretRef not an object",
      NS,
      { secrets: [{ existingSecretRef: "regcred" }] },
      "spec.secrets[0].existingSecretRef must be an object with the source Secret's name: write it as {name: <secret>}.",
    ],
    [
      "existingSecretRef.name invalid",
      NS,
      { secrets: [{ existingSecretRef: { name: "Reg_Cred" } }] },
      `spec.secrets[0].existingSecretRef.name "Reg_Cred" is not a valid Secret name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters.`,
    ],
    [
      "explicit name invalid",
      NS,
      { secrets: [{ ...inline, name: "-ghcr" }] },
      `spec.secrets[0].name "-ghcr" is not a valid Secret name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters.`,
    ],
    [
      "explicit name is a placeholder",
      NS,
      { secrets: [{ name: "<my-name>", existingSecretRef: { name: "regcred" } }] },
      `spec.secrets[0].name "<my-name>" is not a valid Secret name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters.`,
    ],
    [
      "name too long",
      NS,
      { secrets: [{ ...inline, name: "a".repeat(254) }] },
      `spec.secrets[0].name "${"a".repeat(254)}" is not a valid Secret name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters.`,
    ],
    [
      "unknown deletionPolicy",
      NS,
      { secrets: [inline], deletionPolicy: "Retain" },
      'spec.deletionPolicy must be Delete or Orphan, not "Retain": set it to one of them, or remove it to use the default Delete.',
    ],
    [
      "dryRun not a boolean",
      NS,
      { secrets: [inline], dryRun: "yes" },
      'spec.dryRun must be true or false, not "yes": set it to a boolean.',
    ],
    [
      "matchImageRegistries with mode ServiceAccount",
      NS,
      { mode: "ServiceAccount", secrets: [inline], matchImageRegistries: true },
      "spec.matchImageRegistries works only with spec.mode Pod: set spec.mode to Pod or remove matchImageRegistries.",
    ],
    [
      "matchImageRegistries with the default mode",
      CL,
      { secrets: [clusterRef], matchImageRegistries: true },
      "spec.matchImageRegistries works only with spec.mode Pod: set spec.mode to Pod or remove matchImageRegistries.",
    ],
    ...["namespaceSelector", "excludeNamespaces", "includeSystemNamespaces"].map(
      (field): [string, Kind, unknown, string] => [
        `${field} on the namespaced kind`,
        NS,
        { secrets: [inline], [field]: field === "namespaceSelector" ? {} : [] },
        `spec.${field} is only allowed on a ClusterImagePullSecretManager: remove it (an ImagePullSecretManager acts only in its own namespace).`,
      ],
    ),
    [
      "ServiceAccount name invalid",
      NS,
      { secrets: [inline], serviceAccounts: { names: ["default", "Builder"] } },
      `spec.serviceAccounts.names[1] "Builder" is not a valid ServiceAccount name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters.`,
    ],
    [
      "ServiceAccount names not a list",
      NS,
      { secrets: [inline], serviceAccounts: { names: "default" } },
      "spec.serviceAccounts.names must be a list of ServiceAccount names: write it as a YAML list.",
    ],
    [
      "selector operator unknown",
      NS,
      {
        secrets: [inline],
        serviceAccounts: { selector: { matchExpressions: [{ key: "team", operator: "Equals" }] } },
      },
      'spec.serviceAccounts.selector.matchExpressions[0].operator must be In, NotIn, Exists or DoesNotExist, not "Equals": set it to one of them.',
    ],
    [
      "selector In without values",
      NS,
      {
        secrets: [inline],
        serviceAccounts: { selector: { matchExpressions: [{ key: "team", operator: "In" }] } },
      },
      "spec.serviceAccounts.selector.matchExpressions[0].values must list at least one value for operator In: add the label values to match.",
    ],
    [
      "selector NotIn with empty values",
      CL,
      {
        secrets: [clusterRef],
        namespaceSelector: { matchExpressions: [{ key: "env", operator: "NotIn", values: [] }] },
      },
      "spec.namespaceSelector.matchExpressions[0].values must list at least one value for operator NotIn: add the label values to match.",
    ],
    [
      "selector Exists with values",
      CL,
      {
        secrets: [clusterRef],
        namespaceSelector: {
          matchExpressions: [{ key: "env", operator: "Exists", values: ["x"] }],
        },
      },
      "spec.namespaceSelector.matchExpressions[0].values must be empty for operator Exists: remove values.",
    ],
    [
      "selector DoesNotExist with values",
      NS,
      {
        secrets: [inline],
        serviceAccounts: {
          selector: { matchExpressions: [{ key: "a", operator: "DoesNotExist", values: ["x"] }] },
        },
      },
      "spec.serviceAccounts.selector.matchExpressions[0].values must be empty for operator DoesNotExist: remove values.",
    ],
    [
      "selector requirement without key",
      NS,
      {
        secrets: [inline],
        serviceAccounts: { selector: { matchExpressions: [{ operator: "Exists" }] } },
      },
      "spec.serviceAccounts.selector.matchExpressions[0].key is required: set it to a label key.",
    ],
    [
      "matchLabels with a boolean value",
      CL,
      { secrets: [clusterRef], namespaceSelector: { matchLabels: { enabled: true } } },
      'spec.namespaceSelector.matchLabels must map label keys to string values: quote values such as "true" or "1".',
    ],
    [
      "excludeNamespaces entry invalid",
      CL,
      { secrets: [clusterRef], excludeNamespaces: ["ok", "not.a.label"] },
      `spec.excludeNamespaces[1] "not.a.label" is not a valid namespace name: use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters.`,
    ],
    [
      "includeSystemNamespaces entry not a system namespace",
      CL,
      { secrets: [clusterRef], includeSystemNamespaces: ["kube-system", "default"] },
      'spec.includeSystemNamespaces[1] "default" is not a system namespace: use one of kube-system, kube-public, kube-node-lease, pepr-system.',
    ],
  ])("%s", (_name, kind, spec, message) => {
    expect(validateManager(kind, spec).errors).toContain(message);
  });
});

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
