// Corpus, part 3: names (unicode, too long, placeholders), duplicate entries, references across namespaces,
// fields of the other kind, and references the module accepts but reports in status.
import {
  accepted,
  cipsm,
  ipsm,
  LONG_253,
  LONG_254,
  ManagerCase,
  NOT_A_SECRET_NAME,
  ok,
  ref,
} from "./types";

const DNS_SUBDOMAIN = "in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]";
const duplicate = (i: number, name: string, first = 0) =>
  `spec.secrets[${i}] makes the Secret "${name}" that spec.secrets[${first}] already makes`;
const CEL_DUPLICATE = "spec.secrets has two entries with the same Secret name";

export const nameCases: ManagerCase[] = [
  ipsm(
    "Secret name with an accent",
    { secrets: [ok("régcred")] },
    { refused: `spec.secrets[0].name "régcred" ${NOT_A_SECRET_NAME}` },
    { schema: `spec.secrets[0].name ${DNS_SUBDOMAIN}` },
  ),
  ipsm(
    "Secret name that is an emoji",
    { secrets: [ok("🦄")] },
    { refused: `spec.secrets[0].name "🦄" ${NOT_A_SECRET_NAME}` },
    { schema: `spec.secrets[0].name ${DNS_SUBDOMAIN}` },
  ),
  ipsm(
    "Secret name of 254 characters",
    { secrets: [ok(LONG_254)] },
    { refused: NOT_A_SECRET_NAME },
    { schema: "spec.secrets[0].name: Too long" },
  ),
  ipsm("Secret name of exactly 253 characters", { secrets: [ok(LONG_253)] }, accepted),
  cipsm(
    "existingSecretRef.name of 254 characters",
    { secrets: [ref(LONG_254, "sources")] },
    { refused: `spec.secrets[0].existingSecretRef.name "${LONG_254}" ${NOT_A_SECRET_NAME}` },
    { schema: "spec.secrets[0].existingSecretRef.name: Too long" },
  ),
  ipsm(
    "Secret name with a space and a quote",
    { secrets: [ok('reg "cred"')] },
    { refused: `spec.secrets[0].name "reg \\"cred\\"" ${NOT_A_SECRET_NAME}` },
  ),
  ipsm(
    "two inline entries with the same name",
    { secrets: [ok("dup"), { ...ok("dup"), registry: "quay.io" }] },
    { refused: duplicate(1, "dup") },
    { schema: CEL_DUPLICATE },
  ),
  ipsm(
    "an existingSecretRef named like an inline entry",
    { secrets: [ok("regcred"), ref("regcred")] },
    { refused: duplicate(1, "regcred") },
  ),
  cipsm(
    "two sources of the same name from two namespaces",
    { secrets: [ref("regcred", "a"), ref("regcred", "b")] },
    { refused: duplicate(1, "regcred") },
    { schema: CEL_DUPLICATE },
  ),
  cipsm(
    "three entries, the third repeating the first",
    { secrets: [ok("x"), ok("y"), { name: "x", ...ref("other", "sources") }] },
    { refused: duplicate(2, "x") },
  ),
  ipsm(
    "existingSecretRef.namespace on the namespaced kind (a cross-namespace read)",
    { secrets: [ref("regcred", "kube-system")] },
    {
      refused:
        "spec.secrets[0].existingSecretRef.namespace is not allowed on an ImagePullSecretManager",
    },
    { schema: "spec.secrets[0].existingSecretRef.namespace: Forbidden" },
  ),
  ipsm(
    "an empty existingSecretRef.namespace on the namespaced kind",
    { secrets: [ref("regcred", "")] },
    {
      refused:
        "spec.secrets[0].existingSecretRef.namespace is not allowed on an ImagePullSecretManager",
    },
  ),
  ipsm(
    "namespaceSelector on the namespaced kind",
    { secrets: [ok()], namespaceSelector: { matchLabels: { a: "b" } } },
    { refused: "spec.namespaceSelector is only allowed on a ClusterImagePullSecretManager" },
    { schema: 'unknown field "spec.namespaceSelector"' },
  ),
  cipsm(
    "a cluster reference without a namespace",
    { secrets: [ref("regcred")] },
    {
      refused:
        "spec.secrets[0].existingSecretRef.namespace is required on a ClusterImagePullSecretManager",
    },
    { schema: "spec.secrets[0].existingSecretRef.namespace: Required value" },
  ),
  cipsm(
    "a cluster reference to an upper-case namespace",
    { secrets: [ref("regcred", "Sources")] },
    {
      refused:
        'spec.secrets[0].existingSecretRef.namespace "Sources" is not a valid namespace name',
    },
  ),
  cipsm(
    "a cluster reference to a placeholder namespace",
    { secrets: [ref("regcred", "<my-namespace>")] },
    {
      refused:
        'spec.secrets[0].existingSecretRef.namespace "<my-namespace>" is not a valid namespace name',
    },
  ),
  cipsm(
    "includeSystemNamespaces naming an ordinary namespace",
    { secrets: [ok()], includeSystemNamespaces: ["default"] },
    { refused: 'spec.includeSystemNamespaces[0] "default" is not a system namespace' },
  ),
  ipsm(
    "matchImageRegistries with mode ServiceAccount",
    { secrets: [ok()], matchImageRegistries: true },
    { refused: "spec.matchImageRegistries works only with spec.mode Pod" },
    { schema: "spec.matchImageRegistries works only with spec.mode Pod" },
  ),
  ipsm(
    "an entry with both inline credentials and existingSecretRef",
    { secrets: [{ ...ok(), ...ref("regcred") }] },
    {
      refused:
        "spec.secrets[0] sets both inline credentials (registry, username, password) and existingSecretRef",
    },
    { schema: "each spec.secrets entry needs exactly one of inline credentials" },
  ),
  ipsm(
    "an inline placeholder name",
    { secrets: [ok("<my-secret>")] },
    { refused: `spec.secrets[0].name "<my-secret>" ${NOT_A_SECRET_NAME}` },
  ),
  ipsm(
    "a placeholder existingSecretRef (the README example)",
    { secrets: [ref("<my-registry>")] },
    {
      accepted: true,
      warning: "is a placeholder from the example",
      problem: "PlaceholderReference",
    },
    { reported: "PlaceholderReference" },
  ),
  ipsm(
    "an existingSecretRef to a Secret that does not exist",
    { secrets: [ref("nowhere")] },
    { accepted: true, problem: "SourceSecretMissing" },
    { reported: "SourceSecretMissing" },
  ),
  cipsm(
    "a cluster reference to a namespace that does not exist",
    {
      secrets: [ref("regcred", "no-such-namespace")],
      namespaceSelector: { matchLabels: { none: "x" } },
    },
    { accepted: true, problem: "SourceSecretMissing" },
  ),
];
