import { settings } from "./settings";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

/** The environment with `keys` unset, then `env` set. */
function useEnv(keys: string[], env: Record<string, string>) {
  for (const k of keys) delete process.env[k];
  Object.assign(process.env, env);
}

describe("settings: credential checks", () => {
  it.each<[string, Record<string, string>, number, number]>([
    ["the defaults: once a minute per registry, 10 s timeout", {}, 60_000, 10_000],
    [
      "a test's override",
      { CHEIRON_VERIFY_REGISTRY_SPACING_MS: "0", CHEIRON_VERIFY_TIMEOUT_MS: "2000" },
      0,
      2000,
    ],
    [
      "nonsense falls back to the defaults",
      { CHEIRON_VERIFY_REGISTRY_SPACING_MS: "-5", CHEIRON_VERIFY_TIMEOUT_MS: "soon" },
      60_000,
      10_000,
    ],
  ])("%s", (_name, env, spacing, timeout) => {
    useEnv(["CHEIRON_VERIFY_REGISTRY_SPACING_MS", "CHEIRON_VERIFY_TIMEOUT_MS"], env);
    expect(settings().verifyRegistrySpacingMs).toBe(spacing);
    expect(settings().verifyTimeoutMs).toBe(timeout);
  });
});

describe("settings: what credential checks may contact", () => {
  const keys = [
    "CHEIRON_VERIFY_ALLOW_PRIVATE",
    "CHEIRON_VERIFY_ALLOW_CIDRS",
    "CHEIRON_VERIFY_TOKEN_REALMS",
  ];
  it.each<[string, Record<string, string>, [string, string, string]]>([
    [
      "the defaults: private ranges for cluster managers, no CIDR, realms on the registry's domain",
      {},
      ["cluster", "", "registry-domain"],
    ],
    [
      "all set",
      {
        CHEIRON_VERIFY_ALLOW_PRIVATE: " All ",
        CHEIRON_VERIFY_ALLOW_CIDRS: " 127.0.0.1/32 ",
        CHEIRON_VERIFY_TOKEN_REALMS: "https",
      },
      ["all", "127.0.0.1/32", "https"],
    ],
    [
      "none, any",
      { CHEIRON_VERIFY_ALLOW_PRIVATE: "none", CHEIRON_VERIFY_TOKEN_REALMS: "ANY" },
      ["none", "", "any"],
    ],
    [
      "nonsense falls back to the defaults",
      { CHEIRON_VERIFY_ALLOW_PRIVATE: "yes", CHEIRON_VERIFY_TOKEN_REALMS: "anywhere" },
      ["cluster", "", "registry-domain"],
    ],
  ])("%s", (_name, env, [priv, cidrs, realms]) => {
    useEnv(keys, env);
    const s = settings();
    expect([s.verifyAllowPrivate, s.verifyAllowCidrs, s.verifyTokenRealms]).toEqual([
      priv,
      cidrs,
      realms,
    ]);
  });
});

describe("settings: transport and workers", () => {
  it.each<[string, Record<string, string>, boolean, number]>([
    ["the defaults: HTTP/2, 32 namespaces at a time", {}, true, 32],
    ["HTTP/2 off: HTTP/1.1, 8 namespaces at a time", { CHEIRON_API_HTTP2: "false" }, false, 8],
    ["off, however it is written", { CHEIRON_API_HTTP2: " False " }, false, 8],
    ["anything but false keeps HTTP/2", { CHEIRON_API_HTTP2: "no" }, true, 32],
    ["workers set", { CHEIRON_API_HTTP2: "false", CHEIRON_WORKERS: "12" }, false, 12],
    ["nonsense workers fall back", { CHEIRON_WORKERS: "0" }, true, 32],
  ])("%s", (_name, env, http2, workers) => {
    useEnv(["CHEIRON_API_HTTP2", "CHEIRON_WORKERS"], env);
    expect(settings().apiHttp2).toBe(http2);
    expect(settings().workers).toBe(workers);
  });
});

describe("settings: ServiceAccount writes at once", () => {
  it.each<[string, Record<string, string>, number]>([
    ["the default: 24, under the apiserver's 25 idle connections per webhook", {}, 24],
    ["set", { CHEIRON_ADMITTED_WRITES: "8" }, 8],
    ["zero falls back", { CHEIRON_ADMITTED_WRITES: "0" }, 24],
    ["not a number falls back", { CHEIRON_ADMITTED_WRITES: "lots" }, 24],
  ])("%s", (_name, env, expected) => {
    useEnv(["CHEIRON_ADMITTED_WRITES"], env);
    expect(settings().admittedWrites).toBe(expected);
  });
});

describe("settings: the API client", () => {
  const keys = [
    "CHEIRON_API_MAX_CONNECTIONS",
    "CHEIRON_API_HTTP2_CONNECTIONS",
    "CHEIRON_API_MAX_IN_FLIGHT",
    "CHEIRON_API_TIMEOUT_MS",
    "CHEIRON_API_HTTP2_READ_IDLE_MS",
    "CHEIRON_API_HTTP2_PING_TIMEOUT_MS",
  ];
  it.each<[string, Record<string, string>, number[]]>([
    [
      "the defaults (PING after 30 s idle, 15 s for its answer, as client-go)",
      {},
      [12, 2, 64, 30_000, 30_000, 15_000],
    ],
    [
      "all set",
      {
        CHEIRON_API_MAX_CONNECTIONS: "16",
        CHEIRON_API_HTTP2_CONNECTIONS: "1",
        CHEIRON_API_MAX_IN_FLIGHT: "32",
        CHEIRON_API_TIMEOUT_MS: "5000",
        CHEIRON_API_HTTP2_READ_IDLE_MS: "10000",
        CHEIRON_API_HTTP2_PING_TIMEOUT_MS: "5000",
      },
      [16, 1, 32, 5000, 10_000, 5000],
    ],
    [
      "zero, negative or not a number: the default",
      {
        CHEIRON_API_MAX_CONNECTIONS: "0",
        CHEIRON_API_HTTP2_CONNECTIONS: "-1",
        CHEIRON_API_MAX_IN_FLIGHT: "many",
        CHEIRON_API_TIMEOUT_MS: "",
        CHEIRON_API_HTTP2_READ_IDLE_MS: "0",
        CHEIRON_API_HTTP2_PING_TIMEOUT_MS: "fast",
      },
      [12, 2, 64, 30_000, 30_000, 15_000],
    ],
  ])("%s", (_name, env, expected) => {
    useEnv(keys, env);
    const s = settings();
    expect([
      s.apiMaxConnections,
      s.apiHttp2Connections,
      s.apiMaxInFlight,
      s.apiTimeoutMs,
      s.apiHttp2ReadIdleMs,
      s.apiHttp2PingTimeoutMs,
    ]).toEqual(expected);
  });
});

describe("settings: Pepr's lines per admission request", () => {
  it.each<[string, Record<string, string>, "one" | "all"]>([
    ["the default: one", {}, "one"],
    ["all", { CHEIRON_ADMISSION_REQUEST_LOGS: "all" }, "all"],
    ["all, however it is written", { CHEIRON_ADMISSION_REQUEST_LOGS: " ALL " }, "all"],
    ["nonsense: one", { CHEIRON_ADMISSION_REQUEST_LOGS: "some" }, "one"],
  ])("%s", (_name, env, expected) => {
    useEnv(["CHEIRON_ADMISSION_REQUEST_LOGS"], env);
    expect(settings().admissionRequestLogs).toBe(expected);
  });
});

describe("settings: entries of unknown managers", () => {
  it.each<[string, Record<string, string>, number]>([
    ["the default: 5 minutes", {}, 300_000],
    ["an operator's choice", { CHEIRON_UNKNOWN_OWNER_GRACE_SECONDS: "900" }, 900_000],
    ["below 10 s falls back to the default", { CHEIRON_UNKNOWN_OWNER_GRACE_SECONDS: "2" }, 300_000],
  ])("%s", (_name, env, ms) => {
    useEnv(["CHEIRON_UNKNOWN_OWNER_GRACE_SECONDS"], env);
    expect(settings().unknownOwnerGraceMs).toBe(ms);
  });
});

describe("settings: unset, empty and refused values", () => {
  const name = "CHEIRON_NEW_NAMESPACE_DELAY_MS";
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it.each<[string, string | undefined, number, boolean]>([
    ["unset: the default, no warning", undefined, 5, false],
    ["empty: the default (not 0), no warning", "", 5, false],
    ["blank: the default, no warning", "  ", 5, false],
    ["in range: the value", "0", 0, false],
    ["below the minimum: the default, with a warning", "-1", 5, true],
    ["not a number: the default, with a warning", "soon", 5, true],
  ])("%s", (_title, value, expected, warns) => {
    useEnv([name], value === undefined ? {} : { [name]: value });
    expect(settings().newNamespaceDelayMs).toBe(expected);
    expect(warn.mock.calls.some(c => String(c[0]).includes(name))).toBe(warns);
  });

  it("warns once per variable and value, naming the default it used", () => {
    useEnv(["CHEIRON_RESYNC_SECONDS"], { CHEIRON_RESYNC_SECONDS: "1" });
    settings();
    settings();
    const lines = warn.mock.calls
      .map(c => String(c[0]))
      .filter(l => l.includes("CHEIRON_RESYNC_SECONDS"));
    expect(lines).toEqual([
      '[cheiron] CHEIRON_RESYNC_SECONDS="1" is not a number >= 5; using the default 300',
    ]);
  });

  it("an unknown word for a choice falls back to its default, with a warning", () => {
    useEnv(["CHEIRON_ADMISSION_REQUEST_LOGS"], { CHEIRON_ADMISSION_REQUEST_LOGS: "most" });
    expect(settings().admissionRequestLogs).toBe("one");
    expect(warn).toHaveBeenCalledWith(
      '[cheiron] CHEIRON_ADMISSION_REQUEST_LOGS="most" is not one of one, all; using the default one',
    );
  });
});
