// validateManager refusing a spec: spec, mode and the spec.secrets entries (names, registries, references).
// The other fields are in validate.invalid-fields.test.ts; valid specs and warnings in validate.test.ts.
import { validateManager } from "./validate";
import { CL, clusterRef, inline, type Kind, NS, ref } from "../../test/unit/helpers/validate";

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
  ])("%s", (_name, kind, spec, message) => {
    expect(validateManager(kind, spec).errors).toContain(message);
  });
});
