// Manifests that pass the CRD schema and CEL rules but that the module's Validate handler refuses
// (capabilities/index.ts -> src/admission/validate.ts -> src/domain/validate.ts): each refusal comes back from
// the real apiserver as "admission webhook ... denied the request", which proves the webhook is called.
// The CRD's own refusals are in api.invalid.test.ts.
import { describeCluster, newNamespace } from "./helpers";
import {
  cipsm,
  ipsm,
  Manifest,
  ok,
  ref,
  refuse,
  WEBHOOK_DENIED,
  webhookServing,
} from "./api.refusal";

const NOT_A_REGISTRY =
  "is not a registry host, host:port or http(s) URL: use a value like ghcr.io, registry.example.com:5000 or https://index.docker.io/v1.";
const NOT_A_SECRET_NAME =
  "is not a valid Secret name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters.";
const registry = (value: string) => `spec.secrets[0].registry "${value}" ${NOT_A_REGISTRY}`;
const withRegistry = (value: string) => ({ ...ok(), registry: value });

const cases: [string, Manifest, string][] = [
  [
    "registry with an ftp scheme",
    ipsm({ secrets: [withRegistry("ftp://x")] }),
    registry("ftp://x"),
  ],
  [
    "registry that is not a host",
    ipsm({ secrets: [withRegistry("not a host")] }),
    registry("not a host"),
  ],
  [
    "registry URL without a host",
    ipsm({ secrets: [withRegistry("http://")] }),
    registry("http://"),
  ],
  [
    "registry with a port but no host",
    ipsm({ secrets: [withRegistry(":5000")] }),
    registry(":5000"),
  ],
  [
    "registry with a port above 65535",
    ipsm({ secrets: [withRegistry("host:99999")] }),
    registry("host:99999"),
  ],
  [
    "registry with a space in its path",
    cipsm({ secrets: [withRegistry("ghcr.io/my org")] }),
    registry("ghcr.io/my org"),
  ],
  [
    "registry host label starting with '-'",
    cipsm({ secrets: [withRegistry("-registry.example.com")] }),
    registry("-registry.example.com"),
  ],
  [
    "registry with an empty host label",
    ipsm({ secrets: [withRegistry("registry..example.com")] }),
    registry("registry..example.com"),
  ],
  [
    "existingSecretRef.name with uppercase and underscore (namespaced kind)",
    ipsm({ secrets: [ref("Gitlab_Registry")] }),
    `spec.secrets[0].existingSecretRef.name "Gitlab_Registry" ${NOT_A_SECRET_NAME}`,
  ],
  [
    "existingSecretRef.name starting with '-' (cluster kind)",
    cipsm({ secrets: [ref("-regcred", "sources")] }),
    `spec.secrets[0].existingSecretRef.name "-regcred" ${NOT_A_SECRET_NAME}`,
  ],
  [
    "existingSecretRef.name with an empty DNS label",
    ipsm({ secrets: [ok("first"), ref("team..regcred")] }),
    `spec.secrets[1].existingSecretRef.name "team..regcred" ${NOT_A_SECRET_NAME}`,
  ],
];

describeCluster("API: the module's Validate handler refuses what the CRD cannot express", () => {
  let ns = "";
  beforeAll(async () => {
    ns = await newNamespace("api-webhook");
  });

  it.each(cases)("refuses %s", async (_description, manifest, message) => {
    await webhookServing();
    const stderr = await refuse(manifest, ns);
    expect(stderr).toMatch(WEBHOOK_DENIED);
    expect(stderr).toContain(message);
  });

  it("reports every problem of one manifest in one refusal, one sentence each", async () => {
    await webhookServing();
    const stderr = await refuse(
      ipsm({ secrets: [withRegistry("ftp://x"), ref("Bad_Name"), ref("<my-registry>")] }),
      ns,
    );
    expect(stderr).toMatch(WEBHOOK_DENIED);
    expect(stderr).toContain(
      `${registry("ftp://x")} spec.secrets[1].existingSecretRef.name "Bad_Name" ${NOT_A_SECRET_NAME}`,
    );
    // The placeholder is only a warning, sent along with the denial.
    expect(stderr).toContain(
      'spec.secrets[2].existingSecretRef.name "<my-registry>" is a placeholder from the example',
    );
  });
});
