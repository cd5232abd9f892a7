// validateManager refusing a spec: deletionPolicy, dryRun, matchImageRegistries, the selection fields, selectors.
// spec, mode and the spec.secrets entries are in validate.invalid-secrets.test.ts.
import { validateManager } from "./validate";
import { CL, clusterRef, inline, type Kind, NS } from "../../test/unit/helpers/validate";

describe("validateManager: invalid specs", () => {
  it.each<[string, Kind, unknown, string]>([
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
