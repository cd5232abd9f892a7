// Manifests the apiserver itself refuses, through the CRD schema, its CEL rules or strict field validation,
// before any webhook is called (the messages are in crds/ and docs/api.md). The module's own refusals are in
// api.webhook.test.ts; the unit table of validateManager is src/domain/validate.test.ts.
import { describeCluster, newNamespace } from "./helpers";
import { cipsm, ipsm, Manifest, ok, ref, refuse, WEBHOOK_DENIED } from "./api.refusal";

const EXACTLY_ONE =
  "each spec.secrets entry needs exactly one of inline credentials (registry, username, password, email) or existingSecretRef: set one of them and remove the other";
const ALL_FOUR =
  "an inline spec.secrets entry needs name, registry, username and password: set all four (email is optional)";
const DUPLICATE =
  "spec.secrets has two entries with the same Secret name (name, or existingSecretRef.name when name is unset): give each entry a distinct name";
const POD_ONLY =
  "spec.matchImageRegistries: Invalid value: spec.matchImageRegistries works only with spec.mode Pod: set spec.mode to Pod or remove matchImageRegistries";
const VALUES =
  "matchExpressions values must be non-empty for operator In or NotIn and empty for Exists or DoesNotExist: add or remove values";
const DNS_SUBDOMAIN =
  "should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'";
const DNS_LABEL = "should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'";
const OPERATORS = 'supported values: "In", "NotIn", "Exists", "DoesNotExist"';
const unknownField = (f: string) => `strict decoding error: unknown field "${f}"`;
const select = (operator: string, values?: string[]) => ({
  matchExpressions: [{ key: "team", operator, ...(values ? { values } : {}) }],
});

const cases: [string, Manifest, string][] = [
  [
    "unknown mode",
    ipsm({ mode: "Deployment", secrets: [ok()] }),
    'spec.mode: Unsupported value: "Deployment": supported values: "ServiceAccount", "Pod"',
  ],
  [
    "entry with both inline fields and existingSecretRef",
    ipsm({ secrets: [{ ...ok(), ...ref("src") }] }),
    `spec.secrets[0]: Invalid value: ${EXACTLY_ONE}`,
  ],
  [
    "entry with neither inline fields nor existingSecretRef",
    ipsm({ secrets: [{ name: "lonely" }] }),
    `spec.secrets[0]: Invalid value: ${EXACTLY_ONE}`,
  ],
  [
    "entry with only an email beside existingSecretRef",
    cipsm({ secrets: [{ ...ref("src", "sources"), email: "a@b.c" }] }),
    `spec.secrets[0]: Invalid value: ${EXACTLY_ONE}`,
  ],
  [
    "inline entry without registry",
    ipsm({ secrets: [{ ...ok(), registry: undefined }] }),
    `spec.secrets[0]: Required value: ${ALL_FOUR}`,
  ],
  [
    "inline entry without username",
    ipsm({ secrets: [{ ...ok(), username: undefined }] }),
    `spec.secrets[0]: Required value: ${ALL_FOUR}`,
  ],
  [
    "inline entry without password",
    cipsm({ secrets: [{ ...ok(), password: undefined }] }),
    `spec.secrets[0]: Required value: ${ALL_FOUR}`,
  ],
  [
    "inline entry without name",
    ipsm({ secrets: [{ ...ok(), name: undefined }] }),
    `spec.secrets[0]: Required value: ${ALL_FOUR}`,
  ],
  [
    "two inline entries with the same Secret name",
    ipsm({ secrets: [ok("dup"), { ...ok("dup"), registry: "quay.io" }] }),
    `spec.secrets: Invalid value: ${DUPLICATE}`,
  ],
  [
    "an existingSecretRef named like an inline entry",
    ipsm({ secrets: [ok("dup"), ref("dup")] }),
    `spec.secrets: Invalid value: ${DUPLICATE}`,
  ],
  [
    "existingSecretRef.namespace on the namespaced kind",
    ipsm({ secrets: [ref("src", "elsewhere")] }),
    "spec.secrets[0].existingSecretRef.namespace: Forbidden: spec.secrets[].existingSecretRef.namespace is not allowed on an ImagePullSecretManager",
  ],
  [
    "cluster existingSecretRef without namespace",
    cipsm({ secrets: [ref("src")] }),
    "spec.secrets[0].existingSecretRef.namespace: Required value: spec.secrets[].existingSecretRef.namespace is required on a ClusterImagePullSecretManager",
  ],
  [
    "invalid Secret name (uppercase and underscore)",
    ipsm({ secrets: [ok("My_Secret")] }),
    `spec.secrets[0].name: Invalid value: "My_Secret": spec.secrets[0].name in body ${DNS_SUBDOMAIN}`,
  ],
  [
    "invalid Secret name (placeholder) on the cluster kind",
    cipsm({ secrets: [ok("<my-secret>")] }),
    `spec.secrets[0].name: Invalid value: "<my-secret>": spec.secrets[0].name in body ${DNS_SUBDOMAIN}`,
  ],
  [
    "deletionPolicy neither Delete nor Orphan",
    ipsm({ deletionPolicy: "Retain", secrets: [ok()] }),
    'spec.deletionPolicy: Unsupported value: "Retain": supported values: "Delete", "Orphan"',
  ],
  [
    "matchImageRegistries with mode ServiceAccount",
    ipsm({ mode: "ServiceAccount", matchImageRegistries: true, secrets: [ok()] }),
    POD_ONLY,
  ],
  [
    "matchImageRegistries with the default mode",
    cipsm({ matchImageRegistries: true, secrets: [ok()] }),
    POD_ONLY,
  ],
  [
    "namespaceSelector on the namespaced kind",
    ipsm({ secrets: [ok()], namespaceSelector: { matchLabels: { a: "b" } } }),
    unknownField("spec.namespaceSelector"),
  ],
  [
    "excludeNamespaces on the namespaced kind",
    ipsm({ secrets: [ok()], excludeNamespaces: ["other"] }),
    unknownField("spec.excludeNamespaces"),
  ],
  [
    "includeSystemNamespaces on the namespaced kind",
    ipsm({ secrets: [ok()], includeSystemNamespaces: ["kube-system"] }),
    unknownField("spec.includeSystemNamespaces"),
  ],
  [
    "unknown operator in serviceAccounts.selector",
    ipsm({ secrets: [ok()], serviceAccounts: { selector: select("Equals", ["x"]) } }),
    `spec.serviceAccounts.selector.matchExpressions[0].operator: Unsupported value: "Equals": ${OPERATORS}`,
  ],
  [
    "unknown operator in namespaceSelector",
    cipsm({ secrets: [ok()], namespaceSelector: select("in", ["x"]) }),
    `spec.namespaceSelector.matchExpressions[0].operator: Unsupported value: "in": ${OPERATORS}`,
  ],
  [
    "operator In without values",
    cipsm({ secrets: [ok()], namespaceSelector: select("In") }),
    `spec.namespaceSelector.matchExpressions[0].values: Invalid value: ${VALUES}`,
  ],
  [
    "operator Exists with values",
    ipsm({ secrets: [ok()], serviceAccounts: { selector: select("Exists", ["x"]) } }),
    `spec.serviceAccounts.selector.matchExpressions[0].values: Invalid value: ${VALUES}`,
  ],
  [
    "includeSystemNamespaces naming a namespace that is not a system namespace",
    cipsm({ secrets: [ok()], includeSystemNamespaces: ["default"] }),
    'spec.includeSystemNamespaces[0]: Unsupported value: "default": supported values: "kube-system", "kube-public", "kube-node-lease", "pepr-system"',
  ],
  [
    "empty secrets list",
    ipsm({ secrets: [] }),
    "spec.secrets: Invalid value: 0: spec.secrets in body should have at least 1 items",
  ],
  ["no secrets list", cipsm({ mode: "Pod" }), "spec.secrets: Required value"],
  ["no spec at all", ipsm(undefined), "spec: Required value"],
  [
    "invalid excludeNamespaces entry",
    cipsm({ secrets: [ok()], excludeNamespaces: ["Team_A"] }),
    `spec.excludeNamespaces[0]: Invalid value: "Team_A": spec.excludeNamespaces[0] in body ${DNS_LABEL}`,
  ],
  [
    "invalid serviceAccounts.names entry",
    ipsm({ secrets: [ok()], serviceAccounts: { names: ["Builder!"] } }),
    `spec.serviceAccounts.names[0]: Invalid value: "Builder!": spec.serviceAccounts.names[0] in body ${DNS_SUBDOMAIN}`,
  ],
  [
    "invalid cluster existingSecretRef.namespace",
    cipsm({ secrets: [ref("src", "<my-namespace>")] }),
    `spec.secrets[0].existingSecretRef.namespace: Invalid value: "<my-namespace>": spec.secrets[0].existingSecretRef.namespace in body ${DNS_LABEL}`,
  ],
  [
    "an empty registry",
    ipsm({ secrets: [{ ...ok(), registry: "" }] }),
    'spec.secrets[0].registry: Invalid value: "": spec.secrets[0].registry in body should be at least 1 chars long',
  ],
  [
    "dryRun that is not a boolean",
    ipsm({ secrets: [ok()], dryRun: "yes" }),
    'spec.dryRun: Invalid value: "string": spec.dryRun in body must be of type boolean: "string"',
  ],
];

describeCluster("API: the apiserver refuses invalid managers with the CRD's message", () => {
  let ns = "";
  beforeAll(async () => {
    ns = await newNamespace("api-invalid");
  });

  it("has distinct cases", () => {
    expect(new Set(cases.map(c => JSON.stringify(c[1]))).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)("refuses %s", async (_description, manifest, message) => {
    const stderr = await refuse(manifest, ns);
    expect(stderr).toContain(message);
    // Refused by the apiserver: the module's Validate handler was never reached.
    expect(stderr).not.toMatch(WEBHOOK_DENIED);
  });
});
