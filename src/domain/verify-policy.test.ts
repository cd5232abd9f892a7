import {
  buildReportedOutcome,
  buildVerifyPolicy,
  checkTokenRealm,
  FIXED_MESSAGES,
  RealmRule,
  VerifySettings,
} from "./verify-policy";

describe("buildVerifyPolicy", () => {
  const s = (verifyAllowPrivate: VerifySettings["verifyAllowPrivate"], cidrs = "") => ({
    verifyAllowPrivate,
    verifyAllowCidrs: cidrs,
    verifyTokenRealms: "registry-domain" as const,
  });
  it.each<
    [
      string,
      VerifySettings,
      "ClusterImagePullSecretManager" | "ImagePullSecretManager",
      boolean,
      boolean,
    ]
  >([
    [
      "the default, a cluster manager: private ranges, detail",
      s("cluster"),
      "ClusterImagePullSecretManager",
      true,
      true,
    ],
    [
      "the default, a namespaced manager: neither",
      s("cluster"),
      "ImagePullSecretManager",
      false,
      false,
    ],
    [
      "all: a namespaced manager reaches private ranges, still no detail",
      s("all"),
      "ImagePullSecretManager",
      true,
      false,
    ],
    ["none: not even a cluster manager", s("none"), "ClusterImagePullSecretManager", false, true],
  ])("%s", (_name, settings, kind, allowPrivate, detail) => {
    const p = buildVerifyPolicy(kind, settings);
    expect([p.allowPrivate, p.detail]).toEqual([allowPrivate, detail]);
  });

  it("reads the CIDR allow-list and the realm rule", () => {
    const p = buildVerifyPolicy("ImagePullSecretManager", {
      verifyAllowPrivate: "cluster",
      verifyAllowCidrs: "127.0.0.1/32, 10.0.0.1",
      verifyTokenRealms: "https",
    });
    expect([p.allowCidrs.length, p.realms]).toEqual([2, "https"]);
  });
});

describe("checkTokenRealm", () => {
  it.each<[string, string, string, boolean, RealmRule, RegExp | undefined]>([
    [
      "the registry's host",
      "https://ghcr.io/token",
      "ghcr.io",
      false,
      "registry-domain",
      undefined,
    ],
    [
      "its host with another port",
      "https://reg.example.com:8443/t",
      "reg.example.com:5000",
      false,
      "registry-domain",
      undefined,
    ],
    [
      "Docker Hub: auth.docker.io for registry-1.docker.io",
      "https://auth.docker.io/token",
      "registry-1.docker.io",
      false,
      "registry-domain",
      undefined,
    ],
    [
      "GitLab: gitlab.com for registry.gitlab.com",
      "https://gitlab.com/jwt/auth",
      "registry.gitlab.com",
      false,
      "registry-domain",
      undefined,
    ],
    [
      "a host in the registry's domain",
      "https://auth.corp.example.com/t",
      "registry.corp.example.com",
      false,
      "registry-domain",
      undefined,
    ],
    [
      "another domain",
      "https://evil.example/token",
      "ghcr.io",
      false,
      "registry-domain",
      /not on the registry's host or domain/,
    ],
    [
      "a two-label registry: its host only",
      "https://other.io/token",
      "ghcr.io",
      false,
      "registry-domain",
      /not on the registry's host/,
    ],
    [
      "a sibling of a two-label registry",
      "https://x.ghcr.io/token",
      "ghcr.io",
      false,
      "registry-domain",
      /not on the registry's host/,
    ],
    [
      "a look-alike suffix",
      "https://evildocker.io/token",
      "registry-1.docker.io",
      false,
      "registry-domain",
      /not on the registry's host/,
    ],
    [
      "an IP registry: that address only",
      "https://10.0.0.2/token",
      "10.0.0.1:5000",
      false,
      "registry-domain",
      /not on the registry's host/,
    ],
    [
      "an IP registry, same address",
      "https://10.0.0.1:5001/token",
      "10.0.0.1:5000",
      false,
      "registry-domain",
      undefined,
    ],
    [
      "an IPv6 registry, same address",
      "https://[fd00::1]/token",
      "[fd00::1]:5000",
      false,
      "registry-domain",
      undefined,
    ],
    [
      "http on the registry's host",
      "http://ghcr.io/token",
      "ghcr.io",
      false,
      "registry-domain",
      /not HTTPS/,
    ],
    [
      "http for an http registry",
      "http://reg.local/token",
      "reg.local",
      true,
      "registry-domain",
      /not HTTPS/,
    ],
    [
      "http for an http registry, rule https",
      "http://reg.local/token",
      "reg.local",
      true,
      "https",
      /not HTTPS/,
    ],
    [
      "http for an http registry, rule any",
      "http://reg.local/token",
      "reg.local",
      true,
      "any",
      undefined,
    ],
    [
      "http for an https registry, rule any",
      "http://reg.local/token",
      "reg.local",
      false,
      "any",
      /not HTTPS/,
    ],
    [
      "another domain, rule https",
      "https://evil.example/token",
      "ghcr.io",
      false,
      "https",
      undefined,
    ],
    ["not a URL", "/token", "ghcr.io", false, "any", /not a URL/],
    ["another scheme", "ftp://ghcr.io/token", "ghcr.io", false, "any", /not HTTPS/],
  ])("%s", (_name, realm, host, plainHttp, rule, refused) => {
    const why = checkTokenRealm(realm, host, plainHttp, rule);
    if (refused) expect(why).toMatch(refused);
    else expect(why).toBeUndefined();
  });
});

describe("buildReportedOutcome", () => {
  const finding = {
    result: "Unreachable" as const,
    kind: "unreachable" as const,
    detail: "10.0.0.1:5000: ECONNREFUSED",
  };
  it("a cluster manager's status has the detail", () => {
    expect(buildReportedOutcome(finding, { detail: true })).toEqual({
      result: "Unreachable",
      message: finding.detail,
    });
  });
  it("a namespaced manager's status has the fixed message only", () => {
    expect(buildReportedOutcome(finding, { detail: false })).toEqual({
      result: "Unreachable",
      message: "the registry could not be checked",
    });
  });
  it("every fixed message is free of anything a target could have said", () => {
    for (const m of Object.values(FIXED_MESSAGES)) expect(m).toMatch(/^[a-z ':,]+$/);
  });
});
