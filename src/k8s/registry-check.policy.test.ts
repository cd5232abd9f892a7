// The credential check follows the verify policy (src/domain/verify-policy.ts) against loopback servers: no
// loopback, link-local or unspecified address is contacted, after resolution too; the connection goes to the
// address that was checked (a second answer of the resolver is never used); a token realm off the registry's
// domain is not asked; a namespaced manager's check reports only the fixed messages.
import { parseCidrs } from "../domain/verify-address";
import { FIXED_MESSAGES, VerifyPolicy } from "../domain/verify-policy";
import { checkRegistryCredential } from "./registry-check";
import { systemResolve } from "./registry-check-address";
import {
  basicRegistry,
  bearerRegistry,
  PASSWORD,
  USER,
  useTestServers,
} from "../../test/unit/helpers/registry-servers";

const srv = useTestServers();
const policy = (over: Partial<VerifyPolicy> = {}): VerifyPolicy => ({
  allowPrivate: true,
  allowCidrs: [],
  realms: "registry-domain",
  detail: true,
  ...over,
});
const LOOPBACK_OK = parseCidrs("127.0.0.1/32");
/**
 * A resolver that answers from a table, one answer per call (the last one repeats), and asks the system about
 * other names; it records its calls.
 */
function resolver(answers: Record<string, string[][]>) {
  const calls: string[] = [];
  const resolve = async (host: string) => {
    calls.push(host);
    const list = answers[host];
    if (!list) return systemResolve(host);
    return list[Math.min(calls.filter(h => h === host).length, list.length) - 1];
  };
  return { calls, resolve };
}
const check = (
  registry: string,
  p: VerifyPolicy,
  resolve?: (host: string) => Promise<string[]>,
  password = PASSWORD,
) =>
  checkRegistryCredential({ registry, username: USER, password }, 3000, p, resolve).then(
    ({ result, message }) => ({ result, message }),
  );

describe("the verify policy: addresses never contacted", () => {
  const names = resolver({
    "metadata.test": [["169.254.169.254"]],
    "mixed.test": [["93.184.216.34", "127.0.0.1"]],
  });
  it.each<[string, () => string, RegExp]>([
    ["a loopback address", () => `http://127.0.0.1:${srv.plainPort}`, /loopback/],
    ["localhost, after resolution", () => `http://localhost:${srv.plainPort}`, /loopback/],
    ["IPv4-mapped IPv6 loopback", () => `http://[::ffff:127.0.0.1]:${srv.plainPort}`, /loopback/],
    ["0.0.0.0 (this host)", () => `http://0.0.0.0:${srv.plainPort}`, /unspecified/],
    ["a name that resolves to the metadata address", () => "metadata.test", /link-local/],
    [
      "a name with a public and a loopback address",
      () => `http://mixed.test:${srv.plainPort}`,
      /loopback/,
    ],
  ])("%s", async (_name, registry, why) => {
    srv.handle(basicRegistry);
    const out = await check(registry(), policy(), names.resolve);
    expect(out).toEqual({ result: "Unreachable", message: expect.stringMatching(why) });
    expect(out.message).toMatch(/the verify policy does not allow/);
    expect(srv.seen).toEqual([]);
  });
});

describe("the verify policy: the connection goes to the checked address", () => {
  it("resolves a host once per check and connects to the address it checked, whatever the resolver says next", async () => {
    srv.handle(basicRegistry);
    const names = resolver({ "registry.test": [["127.0.0.1"], ["169.254.169.254"]] });
    const registry = `http://registry.test:${srv.plainPort}`;
    const out = await check(registry, policy({ allowCidrs: LOOPBACK_OK }), names.resolve);
    expect(out).toEqual({ result: "Valid", message: expect.stringMatching(/HTTP 200/) });
    expect(srv.seen.map(s => s.url)).toEqual(["/v2/", "/v2/"]);
    expect(names.calls).toEqual(["registry.test"]);
  });
});

describe("the verify policy: token realms", () => {
  const tls = () => `https://127.0.0.1:${srv.tlsPort}`;
  const plain = () => `http://127.0.0.1:${srv.plainPort}`;
  it.each<[string, () => string, () => string, VerifyPolicy["realms"], string, RegExp]>([
    ["on the registry's host", tls, () => `${tls()}/token`, "registry-domain", "Valid", /HTTP 200/],
    [
      "on another host: not asked",
      tls,
      () => `https://localhost:${srv.tlsPort}/token`,
      "registry-domain",
      "Unreachable",
      /not on the registry's host or domain/,
    ],
    [
      "on another host, realms https",
      tls,
      () => `https://localhost:${srv.tlsPort}/token`,
      "https",
      "Valid",
      /HTTP 200/,
    ],
    [
      "on a link-local address, realms https",
      tls,
      () => "https://169.254.169.254/token",
      "https",
      "Unreachable",
      /link-local/,
    ],
    [
      "http for an http registry",
      plain,
      () => `${plain()}/token`,
      "registry-domain",
      "Unreachable",
      /not HTTPS/,
    ],
    [
      "http for an http registry, realms any",
      plain,
      () => `${plain()}/token`,
      "any",
      "Valid",
      /HTTP 200/,
    ],
  ])("%s", async (_name, registry, realm, realms, result, message) => {
    srv.handle(bearerRegistry(realm()));
    const out = await check(registry(), policy({ allowCidrs: LOOPBACK_OK, realms }));
    expect(out).toEqual({ result, message: expect.stringMatching(message) });
    if (result !== "Valid")
      expect(srv.seen.map(s => [s.url, s.auth])).toEqual([["/v2/", undefined]]);
  });
});

describe("the verify policy: a namespaced manager's check reports fixed messages only", () => {
  const tenant = policy({ allowPrivate: false, allowCidrs: LOOPBACK_OK, detail: false });
  it.each<[string, () => string, string, string, keyof typeof FIXED_MESSAGES]>([
    ["the right password", () => `127.0.0.1:${srv.tlsPort}`, PASSWORD, "Valid", "accepted"],
    ["a wrong password", () => `127.0.0.1:${srv.tlsPort}`, "nope", "Rejected", "rejected"],
    ["nothing listening", () => "127.0.0.1:1", PASSWORD, "Unreachable", "unreachable"],
    ["a link-local address", () => "169.254.169.254", PASSWORD, "Unreachable", "not-allowed"],
    ["a private address", () => "10.1.2.3:5000", PASSWORD, "Unreachable", "not-allowed"],
  ])("%s", async (_name, registry, password, result, kind) => {
    srv.handle(basicRegistry);
    const out = await check(registry(), tenant, undefined, password);
    expect(out).toEqual({ result, message: FIXED_MESSAGES[kind] });
  });
});
