import {
  b64,
  CFG_TYPE,
  clusterManager,
  JSON_TYPE,
  namespacedManager,
} from "../../test/unit/helpers/fixtures";
import { buildCredentialChecks, buildCredentialsCondition, buildTurnedBadEvent } from "./verify";
import {
  buildCredentialKey,
  buildCredentials,
  buildRegistryEndpoint,
  parseChallenge,
  parseDockerConfigCredentials,
} from "./verify-credentials";

const config = (auths: Record<string, unknown>) => ({
  ".dockerconfigjson": b64(JSON.stringify({ auths })),
});

describe("parseChallenge", () => {
  it.each([
    ["Basic with a realm", 'Basic realm="Registry Realm"', { scheme: "Basic" }],
    ["basic in lower case", "basic", { scheme: "Basic" }],
    [
      "Bearer with realm and service",
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
      { scheme: "Bearer", realm: "https://auth.docker.io/token", service: "registry.docker.io" },
    ],
    [
      "Bearer with a scope, spaces and an escaped quote",
      'Bearer realm = "https://a.example/t?x=1" , service="s\\"1",scope="repository:x:pull"',
      { scheme: "Bearer", realm: "https://a.example/t?x=1", service: 's"1' },
    ],
    [
      "Bearer with unquoted values and no service",
      "Bearer realm=https://a.example/token",
      { scheme: "Bearer", realm: "https://a.example/token" },
    ],
    [
      "Bearer without a realm",
      'Bearer service="x"',
      { scheme: "Other", name: "Bearer without realm" },
    ],
    ["another scheme", "Negotiate abc", { scheme: "Other", name: "Negotiate" }],
    ["empty", "", undefined],
    ["absent", undefined, undefined],
  ])("%s", (_name, header, want) => {
    expect(parseChallenge(header)).toEqual(want);
  });
});

describe("buildRegistryEndpoint", () => {
  it.each([
    ["a host", "ghcr.io", "https://ghcr.io", "ghcr.io", false],
    [
      "host:port",
      "registry.example.com:5000",
      "https://registry.example.com:5000",
      "registry.example.com:5000",
      false,
    ],
    ["https URL with a path", "https://Quay.io/v1/", "https://quay.io", "quay.io", false],
    [
      "http URL: the entry says plain HTTP",
      "http://127.0.0.1:5000",
      "http://127.0.0.1:5000",
      "127.0.0.1:5000",
      true,
    ],
    [
      "Docker Hub's key",
      "https://index.docker.io/v1/",
      "https://registry-1.docker.io",
      "registry-1.docker.io",
      false,
    ],
    ["docker.io", "docker.io", "https://registry-1.docker.io", "registry-1.docker.io", false],
  ])("%s", (_name, registry, base, host, plainHttp) => {
    expect(buildRegistryEndpoint(registry)).toEqual({ base, host, plainHttp });
  });
});

describe("parseDockerConfigCredentials", () => {
  it.each([
    [
      "username and password fields",
      JSON_TYPE,
      config({ "ghcr.io": { username: "u", password: "p" } }),
      [{ registry: "ghcr.io", username: "u", password: "p" }],
    ],
    [
      "only auth (user:pass with a colon in the password), keys sorted",
      JSON_TYPE,
      config({ "z.io": { auth: b64("a:b:c") }, "a.io": { auth: b64("x:y") } }),
      [
        { registry: "a.io", username: "x", password: "y" },
        { registry: "z.io", username: "a", password: "b:c" },
      ],
    ],
    [
      "an entry without credentials is skipped",
      JSON_TYPE,
      config({ "a.io": {}, "b.io": { auth: b64("nocolon") } }),
      [],
    ],
    [
      "dockercfg",
      CFG_TYPE,
      { ".dockercfg": b64(JSON.stringify({ "q.io": { auth: b64("u:p"), email: "e" } })) },
      [{ registry: "q.io", username: "u", password: "p" }],
    ],
    ["another type", "Opaque", config({ "a.io": { auth: b64("u:p") } }), []],
    ["bad JSON", JSON_TYPE, { ".dockerconfigjson": b64("{") }, []],
  ])("%s", (_name, type, data, want) => {
    expect(parseDockerConfigCredentials(type, data)).toEqual(want);
  });
});

describe("buildCredentials", () => {
  const inline = { name: "ghcr", registry: "ghcr.io", username: "u", password: "p" };
  const src = (pw: string) => ({
    namespace: "team",
    name: "src",
    type: JSON_TYPE,
    data: config({ "a.io": { username: "u", password: pw }, "b.io": { auth: b64("v:w") } }),
  });
  it.each([
    [
      "an inline entry",
      namespacedManager("m", "team", { secrets: [inline] }),
      [],
      [["ghcr", "ghcr.io"]],
    ],
    [
      "every auth key of an existing Secret",
      namespacedManager("m", "team", { secrets: [{ existingSecretRef: { name: "src" } }] }),
      [src("p")],
      [
        ["src", "a.io"],
        ["src", "b.io"],
      ],
    ],
    [
      "a cluster copy under its own name",
      clusterManager("c", {
        secrets: [{ name: "copy", existingSecretRef: { name: "src", namespace: "team" } }],
      }),
      [src("p")],
      [
        ["copy", "a.io"],
        ["copy", "b.io"],
      ],
    ],
    [
      "a missing source and a placeholder give nothing",
      namespacedManager("m", "team", {
        secrets: [{ existingSecretRef: { name: "gone" } }, { existingSecretRef: { name: "<x>" } }],
      }),
      [],
      [],
    ],
  ])("%s", (_name, m, sources, want) => {
    expect(buildCredentials(m, sources).map(c => [c.secret, c.registry])).toEqual(want);
  });

  it("the hash changes with the password only where it changed", () => {
    const m = namespacedManager("m", "team", { secrets: [{ existingSecretRef: { name: "src" } }] });
    const [a1, b1] = buildCredentials(m, [src("p")]);
    const [a2, b2] = buildCredentials(m, [src("q")]);
    expect(a1.hash).not.toEqual(a2.hash);
    expect(b1.hash).toEqual(b2.hash);
    expect(a1.hash).not.toContain("p");
  });
});

describe("an auth key with userinfo (https://user:token@host) is never reported as written", () => {
  const TOKEN = "tok-3c9e1f";
  const keyed = (key: string) => ({
    namespace: "team",
    name: "src",
    type: JSON_TYPE,
    data: config({ [key]: { username: "u", password: "p" } }),
  });
  it.each([
    [
      "user and token in a URL",
      `https://robot:${TOKEN}@reg.example.com/v1/`,
      "https://reg.example.com/v1/",
    ],
    [
      "user and token without a scheme",
      `robot:${TOKEN}@reg.example.com:5000`,
      "reg.example.com:5000",
    ],
    ["a token alone", `http://${TOKEN}@127.0.0.1:5000`, "http://127.0.0.1:5000"],
    [
      "an @ and a / in the token",
      `https://robot:a/${TOKEN}@b@reg.example.com`,
      "https://reg.example.com",
    ],
    ["no userinfo: as written", "https://index.docker.io/v1/", "https://index.docker.io/v1/"],
  ])("%s", (_name, key, reported) => {
    const m = namespacedManager("m", "team", { secrets: [{ existingSecretRef: { name: "src" } }] });
    const creds = buildCredentials(m, [keyed(key)]);
    expect(creds.map(c => c.registry)).toEqual([reported]);
    const checks = buildCredentialChecks(
      creds,
      new Map(
        creds.map(c => [
          buildCredentialKey(c),
          { hash: c.hash, at: 0, result: "Rejected" as const, message: "m" },
        ]),
      ),
    );
    const event = buildTurnedBadEvent(creds[0], undefined, { result: "Rejected", message: "m" });
    expect(JSON.stringify([checks, buildCredentialsCondition(1, checks), event])).not.toContain(
      TOKEN,
    );
  });

  it("two keys that differ only in userinfo are one credential", () => {
    const data = config({
      "https://a:x@r.io": { username: "u", password: "p" },
      "https://b:y@r.io": { username: "v", password: "q" },
    });
    expect(parseDockerConfigCredentials(JSON_TYPE, data)).toEqual([
      { registry: "https://r.io", username: "u", password: "p" },
    ]);
  });
});
