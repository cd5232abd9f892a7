// The credential check against loopback servers that answer like registries: Basic and Bearer challenges, a
// token service, plain HTTP, errors and a server that never answers. (The real registry: the integration test
// test/integration/credentials.verify.test.ts.)
import { parseCidrs } from "../domain/verify-address";
import type { VerifyPolicy } from "../domain/verify-policy";
import { checkRegistryCredential } from "./registry-check";
import {
  basicRegistry,
  BASIC,
  bearerRegistry,
  Handler,
  PASSWORD,
  USER,
  useTestServers,
} from "../../test/unit/helpers/registry-servers";

const srv = useTestServers();
const { seen } = srv;
let handler: Handler;
beforeEach(() => srv.handle((q, s) => handler(q, s)));
/** A cluster manager's policy, with the test servers' loopback address allowed. */
const POLICY: VerifyPolicy = {
  allowPrivate: true,
  allowCidrs: parseCidrs("127.0.0.1/32"),
  realms: "registry-domain",
  detail: true,
};

const check = (registry: string, password = PASSWORD, timeoutMs = 5000) =>
  checkRegistryCredential({ registry, username: USER, password }, timeoutMs, POLICY).then(
    ({ result, message }) => ({ result, message }),
  );

describe("checkRegistryCredential", () => {
  it.each<[string, () => Handler, () => string, string, string, RegExp]>([
    [
      "Basic, right password",
      () => basicRegistry,
      () => `127.0.0.1:${srv.tlsPort}`,
      PASSWORD,
      "Valid",
      /HTTP 200/,
    ],
    [
      "Basic, wrong password",
      () => basicRegistry,
      () => `127.0.0.1:${srv.tlsPort}`,
      "nope",
      "Rejected",
      /HTTP 401/,
    ],
    [
      "Bearer, right password",
      () => bearerRegistry(`https://127.0.0.1:${srv.tlsPort}/token`),
      () => `https://127.0.0.1:${srv.tlsPort}`,
      PASSWORD,
      "Valid",
      /HTTP 200/,
    ],
    [
      "Bearer, wrong password",
      () => bearerRegistry(`https://127.0.0.1:${srv.tlsPort}/token`),
      () => `127.0.0.1:${srv.tlsPort}`,
      "nope",
      "Rejected",
      /token service 127.0.0.1:\d+ answered HTTP 401/,
    ],
    [
      "no auth needed",
      () => (_q, s) => s.writeHead(200).end(),
      () => `127.0.0.1:${srv.tlsPort}`,
      PASSWORD,
      "Valid",
      /needs no credentials/,
    ],
    [
      "a 500",
      () => (_q, s) => s.writeHead(500).end(),
      () => `127.0.0.1:${srv.tlsPort}`,
      PASSWORD,
      "Unreachable",
      /HTTP 500/,
    ],
    [
      "an unknown scheme",
      () => (_q, s) => s.writeHead(401, { "WWW-Authenticate": "Negotiate" }).end(),
      () => `127.0.0.1:${srv.tlsPort}`,
      PASSWORD,
      "Unreachable",
      /cannot answer \(Negotiate\)/,
    ],
    [
      "http:// in the entry: plain HTTP allowed",
      () => basicRegistry,
      () => `http://127.0.0.1:${srv.plainPort}`,
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
    handler = bearerRegistry(`https://127.0.0.1:${srv.tlsPort}/token`);
    await check(`127.0.0.1:${srv.tlsPort}`);
    const token = seen.find(s => s.url.startsWith("/token"))!;
    expect(token.url).toBe("/token?service=test-registry");
    expect(token.auth).toBe(BASIC);
    expect(seen[0]).toEqual({ url: "/v2/", auth: undefined });
  });

  it("sends no credentials to a plain HTTP token service of an HTTPS registry", async () => {
    handler = bearerRegistry(`http://127.0.0.1:${srv.plainPort}/token`);
    const out = await check(`127.0.0.1:${srv.tlsPort}`);
    expect(out).toEqual({ result: "Unreachable", message: expect.stringMatching(/not HTTPS/) });
    expect(seen.map(s => s.url)).toEqual(["/v2/"]);
  });

  it("an entry without http:// never speaks plain HTTP to a plain HTTP registry", async () => {
    handler = basicRegistry;
    const out = await check(`127.0.0.1:${srv.plainPort}`);
    expect(out.result).toBe("Unreachable");
    expect(seen.some(s => s.auth !== undefined)).toBe(false);
  });

  it("gives up on a registry that never answers", async () => {
    const out = await check(`http://127.0.0.1:${srv.silentPort}`, PASSWORD, 300);
    expect(out).toEqual({ result: "Unreachable", message: expect.stringMatching(/timed out/) });
  });
});
