// A self-signed certificate for 127.0.0.1 (IP SAN) and localhost: the registry's in the credential health test,
// and a loopback HTTPS server's in unit tests. It is its own CA: trust it with NODE_EXTRA_CA_CERTS or `ca`.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface LoopbackCert {
  keyFile: string;
  certFile: string;
  key: Buffer;
  cert: Buffer;
}

export function makeLoopbackCert(dir: string, name = "loopback"): LoopbackCert {
  const [keyFile, certFile] = [join(dir, `${name}.key`), join(dir, `${name}.crt`)];
  const subject = [
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ];
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", ...subject],
      ...["-keyout", keyFile, "-out", certFile],
    ],
    { stdio: "ignore" },
  );
  return { keyFile, certFile, key: readFileSync(keyFile), cert: readFileSync(certFile) };
}
