// Test fixtures (never imported by runtime code): loopback servers that answer like registries, for the
// credential check's unit tests. One HTTPS and one plain HTTP server share a handler the test sets; a third
// server never answers.
import http from "node:http";
import https from "node:https";
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeLoopbackCert } from "../../harness/loopback-tls";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
export interface Seen {
  url: string;
  auth?: string;
}

export const USER = "robot";
export const PASSWORD = "s3cret-pass";
export const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;

export const basicRegistry: Handler = (req, res) => {
  if (req.headers.authorization === BASIC) return void res.writeHead(200).end("{}");
  res.writeHead(401, { "WWW-Authenticate": 'Basic realm="Registry Realm"' }).end();
};
export const bearerRegistry =
  (realm: string): Handler =>
  (req, res) => {
    if (req.url?.startsWith("/token")) {
      if (req.headers.authorization !== BASIC) return void res.writeHead(401).end();
      return void res.writeHead(200).end(JSON.stringify({ token: "tok-1" }));
    }
    if (req.headers.authorization === "Bearer tok-1") return void res.writeHead(200).end("{}");
    res
      .writeHead(401, { "WWW-Authenticate": `Bearer realm="${realm}",service="test-registry"` })
      .end();
  };

export interface TestServers {
  tlsPort: number;
  plainPort: number;
  silentPort: number;
  /** Requests the TLS and plain servers received, in order (reset before each test). */
  seen: Seen[];
  handle(h: Handler): void;
}

/** Registers beforeAll/afterAll/beforeEach hooks that run the servers and trust the TLS one's certificate. */
export function useTestServers(): TestServers {
  const tls = makeLoopbackCert(mkdtempSync(join(tmpdir(), "cheiron-regcheck-")));
  const servers: (http.Server | https.Server)[] = [];
  let handler: Handler = (_q, s) => s.end();
  const out: TestServers = {
    tlsPort: 0,
    plainPort: 0,
    silentPort: 0,
    seen: [],
    handle: h => (handler = h),
  };
  const record: Handler = (req, res) => {
    out.seen.push({ url: req.url ?? "", auth: req.headers.authorization });
    handler(req, res);
  };
  const listen = async (server: http.Server | https.Server) => {
    servers.push(server);
    await new Promise<void>(r => server.listen(0, "127.0.0.1", r));
    return (server.address() as AddressInfo).port;
  };
  const savedCa = https.globalAgent.options.ca;
  beforeAll(async () => {
    https.globalAgent.options.ca = tls.cert;
    out.tlsPort = await listen(https.createServer({ key: tls.key, cert: tls.cert }, record));
    out.plainPort = await listen(http.createServer(record));
    out.silentPort = await listen(http.createServer(() => undefined));
  });
  afterAll(async () => {
    https.globalAgent.options.ca = savedCa;
    servers.forEach(s => (s as http.Server).closeAllConnections?.());
    await Promise.all(servers.map(s => new Promise(r => s.close(r))));
  });
  beforeEach(() => (out.seen.length = 0));
  return out;
}
