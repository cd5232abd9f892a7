// The API as users meet it, through the real apiserver with the module running: the README seed example and
// every other sample apply unchanged, the placeholder is warned about at admission and reported in status,
// and `kubectl get` shows the printer columns filled in from the status the controller wrote.
// Refused manifests: api.invalid.test.ts.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describeCluster, eventually, k, kJson, newNamespace } from "./helpers";
import { webhookServing } from "./api.refusal";

const SAMPLES = join(__dirname, "../../samples");
const sample = (file: string) => join(SAMPLES, file);
const COLUMNS = ["NAME", "MODE", "SECRETS", "NAMESPACES", "READY", "AGE"];
// Cluster-scoped objects of samples/cluster-from-source-secret.yaml (fixed names, removed in afterAll).
const CLUSTER_SAMPLE = "cluster-from-source-secret.yaml";
const CLUSTER_MANAGER = "regcred-everywhere";
const SOURCE_NAMESPACE = "cheiron-sources";
const OPT_IN = "cheiron.anny.co/pull-secrets=enabled";

interface Problem {
  namespace: string;
  secret?: string;
  reason: string;
  message: string;
}
interface Condition {
  type: string;
  status: string;
  reason: string;
}
interface ManagerJson {
  metadata: { generation: number };
  status?: {
    observedGeneration?: number;
    secrets?: number;
    namespaces?: number;
    conditions?: Condition[];
    problems?: Problem[];
  };
}

const condition = (m: ManagerJson, type: string) =>
  m.status?.conditions?.find(c => c.type === type);

/** `kubectl get` as a table: the header cells and the cells of the row named `name`. */
async function table(args: string[], name: string) {
  const lines = (await k(["get", ...args])).stdout.trim().split("\n");
  const row = lines.slice(1).find(l => l.split(/\s+/)[0] === name);
  return { header: lines[0].split(/\s+/), row: row?.split(/\s+/) };
}

/** The printer row agrees with the status the controller wrote (Age aside). */
async function expectColumnsFromStatus(args: string[], name: string, mode: string) {
  const m = await kJson<ManagerJson>(["get", ...args, name]);
  expect(m.status?.observedGeneration).toBe(m.metadata.generation);
  const { header, row } = await table(args, name);
  expect(header).toEqual(COLUMNS);
  expect(row?.slice(0, 5)).toEqual([
    name,
    mode,
    String(m.status?.secrets),
    String(m.status?.namespaces),
    condition(m, "Ready")?.status,
  ]);
  expect(row?.[5]).toMatch(/^\d+[smhd]/);
  return m;
}

describeCluster("API: the samples apply unchanged and report through status", () => {
  afterAll(async () => {
    // Other suites share this control plane: no cluster manager of ours may outlive this file.
    await k([
      "delete",
      "--ignore-not-found",
      "--wait=true",
      "--timeout=90s",
      "-f",
      sample(CLUSTER_SAMPLE),
    ]);
    for (const [kind, name] of [
      ["cipsm", CLUSTER_MANAGER],
      ["namespace", SOURCE_NAMESPACE],
    ]) {
      const left = await k(["get", kind, name, "--ignore-not-found", "-o", "name"]);
      expect(left.stdout.trim()).toBe("");
    }
  });

  it("applies the seed example unchanged, warning about the <my-registry> placeholder", async () => {
    const ns = await newNamespace("api-seed");
    await webhookServing(); // the warning comes from the module's Validate handler
    const r = await k(["apply", "-n", ns, "-f", sample("seed-example.yaml")]);
    expect(r.stdout).toContain("imagepullsecretmanager.cheiron.anny.co/my-registry created");
    expect(r.stderr).toContain(
      'Warning: spec.secrets[3].existingSecretRef.name "<my-registry>" is a placeholder from the example: it is accepted, but it is reported in status (PlaceholderReference) until you replace it with the name of a real Secret.',
    );
    // Exactly that one warning: the inline placeholders (<my-docker-username>, ...) are plain strings.
    expect(r.stderr.match(/^Warning: /gm)).toHaveLength(1);

    const m = await eventually(async () => {
      const got = await kJson<ManagerJson>(["get", "ipsm", "my-registry", "-n", ns]);
      expect(got.status?.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            namespace: ns,
            secret: "<my-registry>",
            reason: "PlaceholderReference",
          }),
          expect.objectContaining({
            namespace: ns,
            secret: "gitlab-registry",
            reason: "SourceSecretMissing",
          }),
        ]),
      );
      expect(condition(got, "Degraded")?.status).toBe("True");
      return got;
    });
    expect(m.status?.problems).toHaveLength(2);
    expect(condition(m, "Ready")?.status).toBe("True");
    // The two inline entries became Secrets; the missing and placeholder references did not.
    await eventually(async () => {
      const list = await kJson<{ items: { metadata: { name: string } }[] }>([
        "get",
        "secrets",
        "-n",
        ns,
      ]);
      expect(list.items.map(s => s.metadata.name).sort()).toEqual([
        "docker-hub",
        "github-container-registry",
      ]);
    });

    await eventually(async () => {
      const got = await expectColumnsFromStatus(
        ["ipsm", "-n", ns],
        "my-registry",
        "ServiceAccount",
      );
      expect(got.status?.secrets).toBe(2);
      expect(got.status?.namespaces).toBe(1);
    });
  });

  it.each([
    "pod-mode.yaml",
    "recreate-stuck-pods.yaml",
    "registry-aware-pod.yaml",
    "verify-credentials.yaml",
  ])(
    "applies samples/%s unchanged in a fresh namespace and fills in its printer columns",
    async file => {
      const ns = await newNamespace("api-sample");
      const r = await k(["apply", "-n", ns, "-f", sample(file)]);
      expect(r.stdout).toMatch(/^imagepullsecretmanager\.cheiron\.anny\.co\/\S+ created$/m);
      expect(r.stderr).not.toContain("Warning:");
      const name = r.stdout.trim().split("/")[1].split(" ")[0];
      const spec = (await kJson(["get", "ipsm", name, "-n", ns])).spec;
      await eventually(async () => {
        const mode = spec.mode ?? "ServiceAccount";
        const m = await expectColumnsFromStatus(["ipsm", "-n", ns], name, mode);
        expect(m.status?.secrets).toBe(spec.secrets.length);
        expect(m.status?.namespaces).toBe(1);
        expect(condition(m, "Ready")?.status).toBe("True");
        expect(condition(m, "Degraded")?.status).toBe("False");
        // spec.verify: the condition is there (its status depends on the network the test runs in).
        if (spec.verify?.enabled) expect(condition(m, "CredentialsValid")).toBeDefined();
      });
    },
  );

  it("applies the cluster-scoped sample unchanged and fills in the cipsm printer columns", async () => {
    const r = await k(["apply", "-f", sample(CLUSTER_SAMPLE)]);
    expect(r.stdout).toContain(
      `clusterimagepullsecretmanager.cheiron.anny.co/${CLUSTER_MANAGER} created`,
    );
    expect(r.stderr).not.toContain("Warning:");
    const ns = await newNamespace("api-optin");
    await k(["label", "namespace", ns, OPT_IN]);

    // The source Secret is copied into the opted-in namespace, and the columns show it.
    await eventually(() => kJson(["get", "secret", "regcred", "-n", ns]));
    await eventually(async () => {
      const m = await expectColumnsFromStatus(["cipsm"], CLUSTER_MANAGER, "ServiceAccount");
      expect(m.status?.namespaces).toBeGreaterThanOrEqual(1);
      expect(m.status?.secrets).toBeGreaterThanOrEqual(1);
      expect(condition(m, "Ready")?.status).toBe("True");
      expect(condition(m, "Degraded")?.status).toBe("False");
    });
  });

  it("covers every file in samples/", () => {
    expect(
      readdirSync(SAMPLES)
        .filter(f => f.endsWith(".yaml"))
        .sort(),
    ).toEqual([
      CLUSTER_SAMPLE,
      "pod-mode.yaml",
      "recreate-stuck-pods.yaml",
      "registry-aware-pod.yaml",
      "seed-example.yaml",
      "verify-credentials.yaml",
    ]);
  });
});
