// globalSetup decides skip or fail through decideSkip; the control plane, the module and Go are mocked.
import globalSetup from "../harness/global-setup";
import { startControlPlane, stopControlPlane } from "../harness/control-plane";
import { startModule } from "../harness/module";
import { spawnSync } from "node:child_process";

jest.mock("node:child_process", () => ({ spawnSync: jest.fn() }));
jest.mock("../../scripts/k8s-build", () => ({ buildK8s: jest.fn(() => "/k8s/bin") }));
jest.mock("../harness/control-plane", () => ({
  startControlPlane: jest.fn(),
  stopControlPlane: jest.fn(async () => undefined),
}));
jest.mock("../harness/module", () => ({
  snapshotModule: jest.fn(() => "/module"),
  startModule: jest.fn(),
}));

const cp = { dir: "/cp", kubeconfig: "/cp/kc", moduleKubeconfig: "/cp/mkc", auditLog: "/cp/audit" };
const VARS = [
  "CI",
  "CHEIRON_REQUIRE_INTEGRATION",
  "CHEIRON_IT_SKIP",
  "CHEIRON_K8S_BIN",
  "CHEIRON_IT_KUBECONFIG",
];
const saved = { ...process.env };
const start = jest.mocked(startControlPlane);

function world(opts: { go?: boolean; controlPlane?: boolean }) {
  const go = opts.go ?? true;
  jest.mocked(spawnSync).mockReturnValue({ status: go ? 0 : 1 } as ReturnType<typeof spawnSync>);
  if (opts.controlPlane ?? true) start.mockResolvedValue(cp as never);
  else start.mockRejectedValue(new Error("etcd did not start"));
  jest.mocked(startModule).mockResolvedValue({ proc: { logFile: "/cp/module.log" } } as never);
}

beforeEach(() => {
  jest.clearAllMocks();
  for (const v of VARS) delete process.env[v];
  jest.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterEach(() => {
  for (const v of VARS) delete process.env[v];
  Object.assign(process.env, saved);
  globalThis.__cheiron = undefined;
});

describe("globalSetup", () => {
  it.each<
    [string, Record<string, string>, { go?: boolean; controlPlane?: boolean }, "skip" | "fail"]
  >([
    ["control plane fails, no CI", {}, { controlPlane: false }, "skip"],
    ["control plane fails, CI=true", { CI: "true" }, { controlPlane: false }, "fail"],
    ["control plane fails, CI=1", { CI: "1" }, { controlPlane: false }, "fail"],
    ["control plane fails, CI=yes", { CI: "yes" }, { controlPlane: false }, "fail"],
    [
      "control plane fails, CHEIRON_REQUIRE_INTEGRATION=true",
      { CHEIRON_REQUIRE_INTEGRATION: "true" },
      { controlPlane: false },
      "fail",
    ],
    ["no Go, no CI", {}, { go: false }, "skip"],
    ["no Go, CI=1", { CI: "1" }, { go: false }, "fail"],
  ])("%s", async (_, env, opts, action) => {
    Object.assign(process.env, env);
    world(opts);
    if (action === "fail") {
      await expect(globalSetup()).rejects.toThrow();
    } else {
      await expect(globalSetup()).resolves.toBeUndefined();
      expect(process.env.CHEIRON_IT_SKIP).toBeTruthy();
    }
  });

  it("runs when everything starts, and leaves no skip reason", async () => {
    world({});
    await globalSetup();
    expect(process.env.CHEIRON_IT_SKIP).toBeUndefined();
    expect(process.env.CHEIRON_IT_KUBECONFIG).toBe("/cp/kc");
  });

  it("refuses a CHEIRON_IT_SKIP set from outside when integration is required", async () => {
    Object.assign(process.env, { CHEIRON_IT_SKIP: "by hand", CHEIRON_REQUIRE_INTEGRATION: "true" });
    world({});
    await expect(globalSetup()).rejects.toThrow(/CHEIRON_IT_SKIP/);
    expect(start).not.toHaveBeenCalled();
  });

  it("honours a CHEIRON_IT_SKIP set from outside otherwise, without starting anything", async () => {
    process.env.CHEIRON_IT_SKIP = "by hand";
    world({});
    await globalSetup();
    expect(start).not.toHaveBeenCalled();
    expect(process.env.CHEIRON_IT_SKIP).toContain("by hand");
  });

  it("stops a control plane that started when the module does not, then fails in CI", async () => {
    process.env.CI = "1";
    world({});
    jest.mocked(startModule).mockRejectedValue(new Error("pepr dev exited"));
    await expect(globalSetup()).rejects.toThrow(/pepr dev exited/);
    expect(stopControlPlane).toHaveBeenCalled();
  });
});
