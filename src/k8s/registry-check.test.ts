// The credential check against loopback servers that answer like registries: Basic and Bearer challenges, a
// token service, plain HTTP, errors and a server that never answers. (The real registry: the integration test
// test/integration/credentials.verify.test.ts.)
import http from "node:http";
import https from "node:https";
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeLoopbackCert } from "../../test/harness/loopback-tls";
import { checkRegistryCredential } from "./registry-check";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
interface Seen {
  url: string;
  auth?: string;
}

const tls = makeLoopbackCert(mkdtempSync(join(tmpdir(), "cheiron-regcheck-")));
const USER = "robot";
const PASSWORD = "s3cret-pass";
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
const seen: Seen[] = [];
let handler: Handler = (_q, s) => s.end();
const servers: (http.Server | https.Server)[] = [];

async function listen(server: http.Server | https.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>(r => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}
const record: Handler = (req, res) => {
  seen.push({ url: req.url ?? "", auth: req.headers.authorization });
  handler(req, res);
};

let tlsPort = 0;
let plainPort = 0;
let silentPort = 0;
const savedCa = https.globalAgent.options.ca;

beforeAll(async () => {
  https.globalAgent.options.ca = tls.cert;
  tlsPort = await listen(https.createServer({ key: tls.key, cert: tls.cert }, record));
  plainPort = await listen(http.createServer(record));
  silentPort = await listen(http.createServer(() => undefined));
});
afterAll(async () => {
  https.globalAgent.options.ca = savedCa;
  servers.forEach(s => (s as http.Server).closeAllConnections?.());
  await Promise.all(servers.map(s => new Promise(r => s.close(r))));
});
beforeEach(() => (seen.length = 0));

const basicRegistry: Handler = (req, res) => {
  if (req.headers.authorization === BASIC) return void res.writeHead(200).end("{}");
  res.writeHead(401, { "WWW-Authenticate": 'Basic realm="Registry Realm"' }).end();
};
const bearerRegistry =
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

const check = (registry: string, password = PASSWORD, timeoutMs = 5000) =>
  checkRegistryCredential({ registry, username: USER, password }, timeoutMs);

describe("checkRegistryCredential", () => {
  it.each<[string, () => Handler, () => string, string, string, RegExp]>([
    [
      "Basic, right password",
      () => basicRegistry,
      () => `127.0.0.1:${tlsPort}`,
      PASSWORD,
      "Valid",
      /HTTP 200/,
    ],
    [
      "Basic, wrong password",
      () => basicRegistry,
      () => `127.0.0.1:${tlsPort}`,
      "nope",
      "Rejected",
      /HTTP 401/,
    ],
    [
      "Bearer, right password",
      () => bearerRegistry(`https://127.0.0.1:${tlsPort}/token`),
      () => `https://127.0.0.1:${tlsPort}`,
      PASSWORD,
      "Valid",
      /HTTP 200/,
    ],
    [
      "Bearer, wrong password",
      () => bearerRegistry(`https://127.0.0.1:${tlsPort}/token`),
      () => `127.0.0.1:${tlsPort}`,
      "nope",
      "Rejected",
      /token service 127.0.0.1:\d+ answered HTTP 401/,
    ],
    [
      "no auth needed",
      () => (_q, s) => s.writeHead(200).end(),
      () => `127.0.0.1:${tlsPort}`,
      PASSWORD,
      "Valid",
      /needs no credentials/,
    ],
    [
      "a 500",
      () => (_q, s) => s.writeHead(500).end(),
      () => `127.0.0.1:${tlsPort}`,
      PASSWORD,
      "Unreachable",
      /HTTP 500/,
    ],
    [
      "an unknown scheme",
      () => (_q, s) => s.writeHead(401, { "WWW-Authenticate": "Negotiate" }).end(),
      () => `127.0.0.1:${tlsPort}`,
      PASSWORD,
      "Unreachable",
      /cannot answer \(Negotiate\)/,
    ],
    [
      "http:// in the entry: plain HTTP allowed",
      () => basicRegistry,
      () => `http://127.0.0.1:${plainPort}`,
      PASSWORD,
      "Valid",
      /HTTP 200/,
    ],
    [
      "nothing listening",
      () => basicRegistry,
      () => "127.0.0.1:1",
      PASSWORD,
      "Unreachable",
      /ECONNREFUSED/,
    ],
  ])("%s", async (_name, h, registry, password, result, message) => {
    handler = h();
    const out = await check(registry(), password);
    expect(out.result).toBe(result);
    expect(out.message).toMatch(message);
    expect(out.message).not.toContain(PASSWORD);
  });

  it("asks the token service for its service, without a scope, with Basic credentials", async () => {
    handler = bearerRegistry(`https://127.0.0.1:${tlsPort}/token`);
    await check(`127.0.0.1:${tlsPort}`);
    const token = seen.find(s => s.url.startsWith("/token"))!;
    expect(token.url).toBe("/token?service=test-registry");
    expect(token.auth).toBe(BASIC);
    expect(seen[0]).toEqual({ url: "/v2/", auth: undefined });
  });

  it("sends no credentials to a plain HTTP token service of an HTTPS registry", async () => {
    handler = bearerRegistry(`http://127.0.0.1:${plainPort}/token`);
    const out = await check(`127.0.0.1:${tlsPort}`);
    expect(out).toEqual({ result: "Unreachable", message: expect.stringMatching(/not HTTPS/) });
    expect(seen.map(s => s.url)).toEqual(["/v2/"]);
  });

  it("an entry without http:// never speaks plain HTTP to a plain HTTP registry", async () => {
    handler = basicRegistry;
    const out = await check(`127.0.0.1:${plainPort}`);
    expect(out.result).toBe("Unreachable");
    expect(seen.some(s => s.auth !== undefined)).toBe(false);
  });

  it("gives up on a registry that never answers", async () => {
    const out = await check(`http://127.0.0.1:${silentPort}`, PASSWORD, 300);
    expect(out).toEqual({ result: "Unreachable", message: expect.stringMatching(/timed out/) });
  });
});
