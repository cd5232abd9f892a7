import { settings } from "./settings";

describe("settings: credential checks", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

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
    delete process.env.CHEIRON_VERIFY_REGISTRY_SPACING_MS;
    delete process.env.CHEIRON_VERIFY_TIMEOUT_MS;
    Object.assign(process.env, env);
    expect(settings().verifyRegistrySpacingMs).toBe(spacing);
    expect(settings().verifyTimeoutMs).toBe(timeout);
  });
});
