// README, kind on Linux: what `pepr dev --host <h>` puts into its certificate decides which names the
// kube-apiserver may use to call the module. pepr 1.1.4 writes the value only as a DNS SAN, so an IP address
// never verifies (Go, like Node's checkIP, matches an IP only against IP SANs) and a DNS name does. pepr dev runs
// here from a copy of the module against an unreachable kubeconfig: it writes insecure-tls.crt before it talks to
// the cluster, and is stopped then (so it deploys nothing and never binds port 3000).
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, snapshotModule } from "../harness/module";
import { sleep, startProc, stopProc } from "../harness/proc";
import { describeCluster } from "./helpers";

const UNREACHABLE = `apiVersion: v1
kind: Config
clusters: [{name: x, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: x, user: {token: t}}]
contexts: [{name: x, context: {cluster: x, user: x}}]
current-context: x
`;

/** The certificate `pepr dev --host <host>` generates. */
async function devCertificate(host: string): Promise<X509Certificate> {
  const dir = mkdtempSync(join(tmpdir(), "cheiron-devhost-"));
  try {
    const module = snapshotModule(dir);
    writeFileSync(join(dir, "kubeconfig"), UNREACHABLE);
    const proc = startProc(
      "pepr-dev",
      join(REPO, "node_modules/.bin/pepr"),
      dir,
      ["dev", "--host", host, "--yes"],
      {
        cwd: module,
        env: { ...process.env, KUBECONFIG: join(dir, "kubeconfig") },
      },
    );
    const crt = join(module, "insecure-tls.crt");
    const deadline = Date.now() + 60_000;
    try {
      while (!(existsSync(crt) && readFileSync(crt, "utf8").includes("END CERTIFICATE"))) {
        if (Date.now() > deadline || proc.exitCode !== null)
          throw new Error(`pepr dev wrote no certificate\n${proc.tail(40)}`);
        await sleep(200);
      }
      return new X509Certificate(readFileSync(crt));
    } finally {
      await stopProc(proc);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeCluster("pepr dev --host: the certificate the apiserver must accept", () => {
  it("an IP address becomes a DNS SAN only, which no IP verification accepts; a name verifies", async () => {
    const [ip, name] = await Promise.all([
      devCertificate("172.18.0.1"),
      devCertificate("cheiron-dev.local"),
    ]);
    expect(ip.subjectAltName).toBe("DNS:172.18.0.1");
    expect(ip.checkIP("172.18.0.1")).toBeUndefined();
    expect(name.subjectAltName).toBe("DNS:cheiron-dev.local");
    expect(name.checkHost("cheiron-dev.local")).toBe("cheiron-dev.local");
    expect(name.checkHost("host.docker.internal")).toBeUndefined();
    // no subject (pepr sets none), so the SAN is all a client can match; valid for a year
    expect(name.subject ?? "").toBe("");
    expect(Date.parse(name.validTo)).toBeGreaterThan(Date.now() + 300 * 86_400_000);
  }, 120_000);
});
