import {
  buildAuthKey,
  buildContentHash,
  buildDockerConfigJson,
  buildRegistryHost,
  parseDockerConfigRegistries,
} from "./dockerconfig";

const HUB = "https://index.docker.io/v1/";
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const unb64 = (s: string) => Buffer.from(s, "base64").toString("utf8");

describe("buildAuthKey", () => {
  it.each([
    ["docker.io", HUB],
    ["index.docker.io", HUB],
    ["registry-1.docker.io", HUB],
    ["https://index.docker.io/v1", HUB],
    ["https://index.docker.io/v1/", HUB],
    ["http://docker.io", HUB],
    ["https://docker.io/", HUB],
    ["  Docker.IO  ", HUB],
    ["ghcr.io", "ghcr.io"],
    ["ghcr.io/", "ghcr.io"],
    [" https://registry.example.com:5000/ ", "https://registry.example.com:5000"],
    ["Registry.Example.com/path", "Registry.Example.com/path"],
    ["docker.io/myorg", "docker.io/myorg"],
  ])("%j -> %j", (registry, key) => expect(buildAuthKey(registry)).toBe(key));
});

describe("buildRegistryHost", () => {
  it.each([
    ["docker.io", "docker.io"],
    ["https://index.docker.io/v1/", "docker.io"],
    ["registry-1.docker.io", "docker.io"],
    ["GHCR.io", "ghcr.io"],
    ["https://Registry.Example.com:5000/v2/", "registry.example.com:5000"],
    ["http://user@quay.io", "quay.io"],
    ["localhost:5000", "localhost:5000"],
  ])("%j -> %j", (registry, host) => expect(buildRegistryHost(registry)).toBe(host));
});

describe("buildDockerConfigJson", () => {
  it("builds auths with base64 auth, optional email and sorted keys", () => {
    const json = buildDockerConfigJson([
      { registry: "quay.io", username: "q", password: "p:1" },
      { registry: "docker.io", username: "u", password: "pw", email: "u@example.com" },
    ]);
    expect(json).toBe(
      JSON.stringify({
        auths: {
          [HUB]: { username: "u", password: "pw", email: "u@example.com", auth: b64("u:pw") },
          "quay.io": { username: "q", password: "p:1", auth: b64("q:p:1") },
        },
      }),
    );
    expect(unb64(JSON.parse(json).auths["quay.io"].auth)).toBe("q:p:1");
  });

  it("is independent of entry order and keeps the first entry for a repeated key", () => {
    const a = { registry: "ghcr.io", username: "a", password: "1" };
    const b = { registry: "quay.io", username: "b", password: "2" };
    expect(buildDockerConfigJson([a, b])).toBe(buildDockerConfigJson([b, a]));
    const dup = buildDockerConfigJson([a, { ...a, registry: "ghcr.io/", username: "z" }]);
    expect(JSON.parse(dup).auths).toEqual({
      "ghcr.io": { username: "a", password: "1", auth: b64("a:1") },
    });
  });
});

describe("buildContentHash", () => {
  const t = "kubernetes.io/dockerconfigjson";
  it("is 32 hex characters and independent of key order", () => {
    const h = buildContentHash(t, { a: "1", b: "2" });
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(buildContentHash(t, { b: "2", a: "1" })).toBe(h);
  });
  it.each([
    ["kubernetes.io/dockercfg", { a: "1", b: "2" }],
    [t, { a: "1", b: "3" }],
    [t, { a: "1" }],
    [t, { a: "1", c: "2" }],
    [t, { "a\u0000b": "1", b: "2" }],
  ])("differs for %s %j", (type, data) => {
    expect(buildContentHash(type, data)).not.toBe(buildContentHash(t, { a: "1", b: "2" }));
  });
});

describe("parseDockerConfigRegistries", () => {
  const json = (doc: unknown) => ({ ".dockerconfigjson": b64(JSON.stringify(doc)) });
  const cfg = (doc: unknown) => ({ ".dockercfg": b64(JSON.stringify(doc)) });
  it.each([
    [
      "kubernetes.io/dockerconfigjson",
      json({
        auths: { "quay.io": { auth: "x" }, [HUB]: {}, "docker.io": {}, "https://GHCR.io/": {} },
      }),
      ["docker.io", "ghcr.io", "quay.io"],
    ],
    ["kubernetes.io/dockerconfigjson", json({ auths: {} }), []],
    [
      "kubernetes.io/dockercfg",
      cfg({ "registry.example.com:5000": { auth: "x" } }),
      ["registry.example.com:5000"],
    ],
    ["kubernetes.io/dockerconfigjson", json({ nope: {} }), undefined],
    ["kubernetes.io/dockerconfigjson", json({ auths: ["quay.io"] }), undefined],
    ["kubernetes.io/dockerconfigjson", { ".dockerconfigjson": "not base64 json" }, undefined],
    ["kubernetes.io/dockerconfigjson", cfg({ "quay.io": {} }), undefined],
    ["kubernetes.io/dockercfg", cfg(["quay.io"]), undefined],
    ["Opaque", json({ auths: { "quay.io": {} } }), undefined],
  ])("%s %j -> %j", (type, data, hosts) => {
    expect(parseDockerConfigRegistries(type, data)).toEqual(hosts);
  });
  it("tolerates missing data", () => {
    expect(parseDockerConfigRegistries("kubernetes.io/dockercfg", undefined)).toBeUndefined();
  });
});
