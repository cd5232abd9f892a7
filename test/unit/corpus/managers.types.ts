// Corpus, part 1: fields of the wrong type, enum values in the wrong case, unknown fields, empty lists.
import { accepted, cipsm, ipsm, ManagerCase, ok } from "./types";

const mustBeString = (f: string) => `spec.secrets[0].${f} must be a string: quote the value.`;
const ofType = (path: string, type: string) => `${path} in body must be of type ${type}`;

export const typeCases: ManagerCase[] = [
  ipsm(
    "spec is a string",
    "ghcr.io",
    { refused: "spec is required: add a spec with at least a secrets list." },
    { schema: ofType("spec", "object") },
  ),
  ipsm("spec is null", null, { refused: "spec is required" }),
  ipsm(
    "secrets is an object, not a list",
    { secrets: { name: "x" } },
    { refused: "spec.secrets must list at least one entry" },
    { schema: 'strict decoding error: unknown field "spec.secrets.name"' },
  ),
  ipsm(
    "empty secrets list",
    { secrets: [] },
    { refused: "spec.secrets must list at least one entry" },
    { schema: "spec.secrets in body should have at least 1 items" },
  ),
  ipsm(
    "an entry that is a bare string",
    { secrets: ["ghcr.io"] },
    { refused: "spec.secrets[0] must be an object" },
    { schema: ofType("spec.secrets[0]", "object") },
  ),
  ipsm(
    "password is a number",
    { secrets: [{ ...ok(), password: 12345 }] },
    { refused: mustBeString("password") },
    { schema: ofType("spec.secrets[0].password", "string") },
  ),
  cipsm(
    "username is a boolean",
    { secrets: [{ ...ok(), username: true }] },
    { refused: mustBeString("username") },
    { schema: ofType("spec.secrets[0].username", "string") },
  ),
  ipsm(
    "registry is a list",
    { secrets: [{ ...ok(), registry: ["ghcr.io"] }] },
    { refused: mustBeString("registry") },
    { schema: ofType("spec.secrets[0].registry", "string") },
  ),
  ipsm(
    "name is a number",
    { secrets: [{ ...ok(), name: 7 }] },
    {
      refused: "spec.secrets[0].name must be a string",
    },
  ),
  ipsm(
    "existingSecretRef is a string",
    { secrets: [{ existingSecretRef: "regcred" }] },
    {
      refused: "spec.secrets[0].existingSecretRef must be an object with the source Secret's name",
    },
  ),
  ipsm(
    "dryRun is the string yes",
    { secrets: [ok()], dryRun: "yes" },
    { refused: 'spec.dryRun must be true or false, not "yes"' },
  ),
  ipsm(
    "matchImageRegistries is the string true",
    { mode: "Pod", secrets: [ok()], matchImageRegistries: "true" },
    { refused: "spec.matchImageRegistries must be true or false" },
    { schema: ofType("spec.matchImageRegistries", "boolean") },
  ),
  ipsm(
    "mode in lower case",
    { mode: "pod", secrets: [ok()] },
    { refused: 'spec.mode must be ServiceAccount or Pod, not "pod"' },
    { schema: 'spec.mode: Unsupported value: "pod"' },
  ),
  cipsm(
    "mode in upper case",
    { mode: "SERVICEACCOUNT", secrets: [ok()] },
    { refused: 'spec.mode must be ServiceAccount or Pod, not "SERVICEACCOUNT"' },
  ),
  ipsm(
    "deletionPolicy in lower case",
    { deletionPolicy: "delete", secrets: [ok()] },
    { refused: 'spec.deletionPolicy must be Delete or Orphan, not "delete"' },
    { schema: 'spec.deletionPolicy: Unsupported value: "delete"' },
  ),
  ipsm(
    "serviceAccounts is a list",
    { secrets: [ok()], serviceAccounts: ["default"] },
    {
      refused: "spec.serviceAccounts must be an object with names and/or selector",
    },
  ),
  ipsm(
    "serviceAccounts.names is a string",
    { secrets: [ok()], serviceAccounts: { names: "default" } },
    { refused: "spec.serviceAccounts.names must be a list of ServiceAccount names" },
    { schema: ofType("spec.serviceAccounts.names", "array") },
  ),
  ipsm(
    "matchLabels with a boolean value",
    { secrets: [ok()], serviceAccounts: { selector: { matchLabels: { pulls: true } } } },
    { refused: "spec.serviceAccounts.selector.matchLabels must map label keys to string values" },
  ),
  cipsm(
    "excludeNamespaces is a string",
    { secrets: [ok()], excludeNamespaces: "sandbox" },
    { refused: "spec.excludeNamespaces must be a list of namespace names" },
    { schema: ofType("spec.excludeNamespaces", "array") },
  ),
  cipsm(
    "namespaceSelector operator in lower case",
    { secrets: [ok()], namespaceSelector: { matchExpressions: [{ key: "a", operator: "in" }] } },
    {
      refused:
        'spec.namespaceSelector.matchExpressions[0].operator must be In, NotIn, Exists or DoesNotExist, not "in"',
    },
  ),
  ipsm(
    "unknown field (a typo of secrets) beside a valid list",
    { secrets: [ok()], secret: [ok("typo")] },
    { accepted: true, warning: "spec.secret is not a known field and will be dropped" },
    { schema: 'unknown field "spec.secret"' },
  ),
  ipsm(
    "unknown field in an entry",
    { secrets: [{ ...ok(), server: "ghcr.io" }] },
    { accepted: true, warning: "spec.secrets[0].server is not a known field and will be dropped" },
  ),
  ipsm(
    "unknown field only: no secrets",
    { secrets_: [ok()] },
    {
      refused: "spec.secrets must list at least one entry",
    },
  ),
  ipsm(
    "valid apart from an __proto__ key",
    JSON.parse(
      '{"secrets":[{"name":"ok","registry":"ghcr.io","username":"u","password":"p"}],"__proto__":{"x":1}}',
    ),
    {
      accepted: true,
      warning: "spec.__proto__ is not a known field",
    },
  ),
  ipsm("everything fine: the control case", { secrets: [ok()] }, accepted),
];
