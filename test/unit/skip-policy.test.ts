// Whether an integration suite that cannot run may be skipped, or must fail the run (test/harness/skip-policy.ts).
import { decideSkip, isIntegrationRequired } from "../harness/skip-policy";

const reason = "the control plane did not start: boom";

describe("decideSkip", () => {
  it.each<[string, NodeJS.ProcessEnv, "skip" | "fail"]>([
    ["no CI variables", {}, "skip"],
    ["CI=true", { CI: "true" }, "fail"],
    ["CI=1", { CI: "1" }, "fail"],
    ["CI=yes", { CI: "yes" }, "fail"],
    ["CI=TRUE", { CI: "TRUE" }, "fail"],
    ["CI=woodpecker (any other value)", { CI: "woodpecker" }, "fail"],
    ["CI=false", { CI: "false" }, "skip"],
    ["CI=0", { CI: "0" }, "skip"],
    ["CI=no", { CI: "no" }, "skip"],
    ["CI=off", { CI: "off" }, "skip"],
    ["CI empty", { CI: "" }, "skip"],
    ["CI blank", { CI: "  " }, "skip"],
    ["CHEIRON_REQUIRE_INTEGRATION=true (.ci/run)", { CHEIRON_REQUIRE_INTEGRATION: "true" }, "fail"],
    ["CHEIRON_REQUIRE_INTEGRATION=1", { CHEIRON_REQUIRE_INTEGRATION: "1" }, "fail"],
    ["CHEIRON_REQUIRE_INTEGRATION=false", { CHEIRON_REQUIRE_INTEGRATION: "false" }, "skip"],
    [
      "CHEIRON_REQUIRE_INTEGRATION=false does not undo CI=true",
      { CI: "true", CHEIRON_REQUIRE_INTEGRATION: "false" },
      "fail",
    ],
    [
      "CHEIRON_REQUIRE_INTEGRATION=true with CI=false",
      { CI: "false", CHEIRON_REQUIRE_INTEGRATION: "true" },
      "fail",
    ],
    ["CHEIRON_IT_SKIP preset, nothing required", { CHEIRON_IT_SKIP: "by hand" }, "skip"],
    [
      "CHEIRON_IT_SKIP preset cannot skip when integration is required",
      { CHEIRON_IT_SKIP: "by hand", CHEIRON_REQUIRE_INTEGRATION: "true" },
      "fail",
    ],
    ["CHEIRON_IT_SKIP preset cannot skip in CI", { CHEIRON_IT_SKIP: "by hand", CI: "1" }, "fail"],
  ])("%s -> %s", (_, env, action) => {
    expect(decideSkip({ env, reason }).action).toBe(action);
    expect(isIntegrationRequired(env)).toBe(action === "fail");
  });

  it("keeps the reason when skipping", () => {
    expect(decideSkip({ env: {}, reason })).toEqual({ action: "skip", reason });
  });

  it("says why it fails and which variable requires integration", () => {
    const d = decideSkip({ env: { CI: "1", CHEIRON_REQUIRE_INTEGRATION: "true" }, reason });
    expect(d.action).toBe("fail");
    if (d.action !== "fail") return;
    expect(d.message).toContain(reason);
    expect(d.message).toContain("CHEIRON_REQUIRE_INTEGRATION=true");
    expect(d.message).toContain("CI=1");
  });
});
