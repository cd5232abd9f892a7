// Credential health (spec.verify, issue 13 #1) against a real registry: the CNCF distribution registry built from
// its Go module (test/harness/registry.ts), on loopback with TLS and htpasswd (bcrypt) authentication. The built
// watcher runs on a control plane of its own with the suite's module settings (test/harness/env.ts: 127.0.0.1 in
// CHEIRON_VERIFY_ALLOW_CIDRS, as loopback is never contacted otherwise), the registry's certificate trusted
// (NODE_EXTRA_CA_CERTS, as docs/operations.md describes for a private CA) and the once-a-minute-per-registry limit
// lowered to 0 ms for the test (the default stays 60 s: src/settings.test.ts). Right password: Valid,
// CredentialsValid True; wrong: Rejected, False, an Event; a stopped registry: Unreachable; a source Secret rotated
// from wrong to right flips the condition to True; a Valid credential is checked again at its interval (1 minute
// here) and turns Unreachable when the registry is gone. A namespaced manager's status reads the fixed messages, a
// cluster manager's the detail; a link-local or unlisted loopback registry is never contacted (issue 22 #9). No
// credential in status, Events or the watcher's log.
import { readFileSync } from "node:fs";
import { MODULE_ENV } from "../harness/env";
import { OwnWatcher, startOwnWatcher } from "../harness/own-watcher";
import { httpsGet } from "../harness/proc";
import { startTestRegistry, TestRegistry } from "../harness/registry";
import { kubectl } from "../harness/kubectl";
import { describeCluster, eventually } from "./helpers";

const USER = "robot";
const RIGHT = "right-pass-7f3a9c";
const WRONG = "wrong-pass-51d2e8";
const NS = "team";

describeCluster("credential health: spec.verify against a real registry", () => {
  let reg: TestRegistry;
  let w: OwnWatcher;
  const k = (args: string[], input?: string) => kubectl(w.cp.kubeconfig, args, { input });
  const kJson = async (args: string[]) => JSON.parse((await k([...args, "-o", "json"])).stdout);
  const applyJson = async (o: object) =>
    expect((await k(["apply", "-n", NS, "-f", "-"], JSON.stringify(o))).code).toBe(0);
  const condition = (m: any) =>
    (m.status?.conditions ?? []).find((c: { type: string }) => c.type === "CredentialsValid");
  const events = async (name: string) =>
    (await kJson(["get", "events", "-n", NS])).items.filter(
      (e: any) => e.involvedObject?.name === name,
    );
  const config = (password: string) =>
    Buffer.from(
      JSON.stringify({
        auths: {
          [reg.host]: {
            username: USER,
            password,
            auth: Buffer.from(`${USER}:${password}`).toString("base64"),
          },
        },
      }),
    ).toString("base64");
  const sourceSecret = (password: string) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "rotating" },
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": config(password) },
  });
  const ipsm = (name: string, secrets: object[], intervalMinutes = 360) => ({
    apiVersion: "cheiron.anny.co/v1alpha1",
    kind: "ImagePullSecretManager",
    metadata: { name },
    spec: { secrets, verify: { enabled: true, intervalMinutes } },
  });
  const inline = (name: string, password: string) => ({
    name,
    registry: reg.host,
    username: USER,
    password,
  });
  /** The manager once its credentials have a result each and the condition has this status. */
  const settled = (name: string, status: string) =>
    eventually(async () => {
      const m = await kJson(["get", "ipsm", name, "-n", NS]);
      expect(condition(m)?.status).toBe(status);
      return m;
    }, 60_000);

  beforeAll(async () => {
    reg = await startTestRegistry({ [USER]: RIGHT });
    w = await startOwnWatcher({
      env: {
        ...MODULE_ENV,
        NODE_EXTRA_CA_CERTS: reg.caFile,
        CHEIRON_VERIFY_REGISTRY_SPACING_MS: "0",
        CHEIRON_VERIFY_TIMEOUT_MS: "5000",
      },
    });
    await k(["create", "ns", NS]);
  }, 300_000);

  afterAll(async () => {
    await w?.stop();
    await reg?.close();
  });

  it("the right password: Valid, CredentialsValid True, no Event", async () => {
    // "periodic" is checked again every minute: the stopped-registry test below sees it turn.
    await applyJson(ipsm("periodic", [inline("periodic", RIGHT)], 1));
    await applyJson(ipsm("good", [inline("good", RIGHT)]));
    const m = await settled("good", "True");
    expect(condition(m).reason).toBe("CredentialsValid");
    expect(m.status.credentials).toEqual([
      {
        secret: "good",
        registry: reg.host,
        result: "Valid",
        checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        // A namespaced manager's status reads a fixed message (the status code is in the watcher's log).
        message: "the registry accepted the credentials",
      },
    ]);
    const reasons = (await events("good")).map((e: any) => e.reason);
    expect(reasons).not.toContain("CredentialRejected");
    expect(reasons).not.toContain("RegistryUnreachable");
  }, 90_000);

  it("a wrong password in a source Secret: Rejected, CredentialsValid False and a CredentialRejected Event", async () => {
    await applyJson(sourceSecret(WRONG));
    await applyJson(ipsm("rotating", [{ existingSecretRef: { name: "rotating" } }]));
    const m = await settled("rotating", "False");
    expect(condition(m).reason).toBe("CredentialRejected");
    expect(m.status.credentials.map((c: any) => [c.secret, c.registry, c.result])).toEqual([
      ["rotating", reg.host, "Rejected"],
    ]);
    await eventually(async () => {
      const rejected = (await events("rotating")).filter(
        (e: any) => e.reason === "CredentialRejected",
      );
      expect(rejected).toHaveLength(1);
      expect(rejected[0].type).toBe("Warning");
      expect(rejected[0].message).toMatch(
        /Secret rotating for 127\.0\.0\.1:\d+: the registry rejected/,
      );
    }, 30_000);
  }, 90_000);

  it("rotating the source Secret from wrong to right flips CredentialsValid to True", async () => {
    await applyJson(sourceSecret(RIGHT));
    const m = await settled("rotating", "True");
    expect(m.status.credentials.map((c: any) => c.result)).toEqual(["Valid"]);
  }, 90_000);

  it("counts each result in a metric", async () => {
    const r = await httpsGet(`https://localhost:${w.port}/metrics`, { insecure: true });
    expect(r.status).toBe(200);
    const value = (name: string) =>
      Number(new RegExp(`^pepr_${name} (\\S+)$`, "m").exec(r.body)?.[1] ?? "NaN");
    expect(value("cheiron_credential_checks_valid_total")).toBeGreaterThanOrEqual(2);
    expect(value("cheiron_credential_checks_rejected_total")).toBeGreaterThanOrEqual(1);
    expect(value("cheiron_credential_checks_unreachable_total")).toBe(0);
  }, 30_000);

  it("a stopped registry: Unreachable, CredentialsValid False and a RegistryUnreachable Event", async () => {
    expect(condition(await kJson(["get", "ipsm", "periodic", "-n", NS]))?.status).toBe("True");
    await reg.stop();
    try {
      // A new credential is checked at once; a Valid one at its interval (intervalMinutes: 1), and it turns.
      await applyJson(ipsm("offline", [inline("offline", RIGHT)]));
      for (const name of ["offline", "periodic"]) {
        const m = await eventually(
          async () => {
            const got = await kJson(["get", "ipsm", name, "-n", NS]);
            expect(condition(got)?.status).toBe("False");
            return got;
          },
          150_000,
          1000,
        );
        expect(condition(m).reason).toBe("RegistryUnreachable");
        expect(m.status.credentials[0].result).toBe("Unreachable");
        expect(m.status.credentials[0].message).toBe("the registry could not be checked");
        await eventually(async () => {
          const reasons = (await events(name)).map((e: any) => e.reason);
          expect(reasons).toContain("RegistryUnreachable");
        }, 30_000);
      }
    } finally {
      await reg.start();
    }
  }, 240_000);

  it("a cluster manager's status carries the detail: the status code", async () => {
    const cipsm = {
      apiVersion: "cheiron.anny.co/v1alpha1",
      kind: "ClusterImagePullSecretManager",
      metadata: { name: "cluster-good" },
      spec: {
        secrets: [inline("cluster-good", RIGHT)],
        namespaceSelector: { matchLabels: { "cheiron-test/none": "none" } },
        verify: { enabled: true },
      },
    };
    expect((await k(["apply", "-f", "-"], JSON.stringify(cipsm))).code).toBe(0);
    const m = await eventually(async () => {
      const got = await kJson(["get", "cipsm", "cluster-good"]);
      expect(condition(got)?.status).toBe("True");
      return got;
    }, 60_000);
    expect(m.status.credentials.map((c: any) => [c.result, c.message])).toEqual([
      ["Valid", expect.stringMatching(/accepted the credentials \(HTTP 200\)/)],
    ]);
  }, 90_000);

  it("a link-local registry, or a loopback one not in the allow-list, is never contacted", async () => {
    const stranger = `127.0.0.2:${reg.host.split(":")[1]}`;
    // The cloud metadata address, and a loopback address next to the registry's.
    await applyJson(
      ipsm("probe", [
        { ...inline("metadata", RIGHT), registry: "169.254.169.254" },
        { ...inline("loopback", RIGHT), registry: stranger },
      ]),
    );
    const m = await eventually(async () => {
      const got = await kJson(["get", "ipsm", "probe", "-n", NS]);
      expect(got.status?.credentials?.map((c: any) => c.registry)).toEqual([
        stranger,
        "169.254.169.254",
      ]);
      return got;
    }, 60_000);
    const notAllowed =
      "not checked: the cluster's verify policy does not allow contacting this registry or its token service";
    expect(m.status.credentials.map((c: any) => [c.result, c.message])).toEqual([
      ["Unreachable", notAllowed],
      ["Unreachable", notAllowed],
    ]);
    expect(condition(m).reason).toBe("RegistryUnreachable");
    // The watcher's log has the reason (and the status has no address of the target's).
    await eventually(async () => {
      const log = readFileSync(w.proc.logFile, "utf8");
      expect(log).toMatch(/169\.254\.169\.254 is a link-local address/);
      expect(log).toMatch(/127\.0\.0\.2 is a loopback address/);
    }, 30_000);
  }, 90_000);

  it("no password in status, Events or the watcher's log", async () => {
    const everything = [
      // Only status: the spec holds the inline passwords, as the user wrote them.
      JSON.stringify((await kJson(["get", "ipsm", "-n", NS])).items.map((m: any) => m.status)),
      JSON.stringify(await kJson(["get", "events", "-n", NS])),
      readFileSync(w.proc.logFile, "utf8"),
    ].join("\n");
    expect(everything).toMatch(/Cheiron checked a registry credential/);
    for (const secret of [RIGHT, WRONG]) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(Buffer.from(`${USER}:${secret}`).toString("base64"));
    }
  }, 30_000);
});
