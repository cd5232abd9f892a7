// `npm start` on a machine with no kubeconfig: it brings up the local control plane and the module, the printed
// kubeconfig works from another shell, and Ctrl-C leaves no process behind. It runs in a network namespace of
// its own (port 3000 is taken by the suite's module), so this needs root and `unshare`. Without them the test is
// skipped, or fails when integration tests are required (CI, CHEIRON_REQUIRE_INTEGRATION: see skip-policy.ts).
// Cheiron's own log lines appear on stdout, prefixed `[cheiron] `; Pepr's do not (scripts/log-echo.ts).
// It runs the start script's no-node path (CHEIRON_START_NODE=false): a node's kubepods cgroups, sysctls and
// fixed paths belong to the whole machine, not to this test's network namespace, so a node here would collide with
// the node project's or another run's node. The node path of `npm start` is the node project's own cluster
// (test/harness/node-cluster.ts); npm start with it was tried by hand (README, `npm start`).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { k8sBinDir } from "../../scripts/k8s-build";
import { snapshotModule } from "../harness/module";
import { describeUnless } from "../harness/skippable";
import { describeCluster } from "./helpers";

const unshare = spawnSync("unshare", ["-n", "true"], { encoding: "utf8" });
const describeStart = describeUnless(
  unshare.status === 0
    ? undefined
    : `the npm start test needs \`unshare -n\` (root): ${unshare.error?.message || unshare.stderr?.trim() || `exit ${unshare.status}`}`,
  describeCluster,
);

/** Pids of live processes whose command line or environment mentions `text` (pepr dev: its KUBECONFIG). */
function processesMentioning(text: string): number[] {
  const mentions = (pid: string, file: string) => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, "utf8").includes(text);
    } catch {
      return false;
    }
  };
  return readdirSync("/proc")
    .filter(d => /^\d+$/.test(d) && (mentions(d, "cmdline") || mentions(d, "environ")))
    .map(Number);
}

describeStart("npm start", () => {
  it("starts the local control plane and the module, and Ctrl-C stops everything", async () => {
    const home = mkdtempSync(join(tmpdir(), "cheiron-home-"));
    // npm start's `pepr dev` rewrites every file it format-checks (test/harness/module.ts snapshotModule), so it
    // runs in a copy of the repository, as in a user's clone, never in the tree this jest process loads from.
    const clone = snapshotModule(home, ["scripts", "test", "samples", "crds"]);
    const cacheRoot = dirname(dirname(k8sBinDir()));
    const child = spawn("unshare", ["-n", "bash", "-c", "ip link set lo up && exec npm start"], {
      cwd: clone,
      env: {
        ...process.env,
        HOME: home,
        KUBECONFIG: "",
        CHEIRON_K8S_CACHE: cacheRoot,
        CI: "",
        CHEIRON_START_NODE: "false",
      },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let cpDir = "";
    child.stdout.on("data", c => (out += c));
    child.stderr.on("data", c => (out += c));
    const exited = new Promise<number | null>(r => child.on("exit", code => r(code)));
    try {
      const deadline = Date.now() + 150_000;
      while (!/Press Ctrl-C/.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`npm start did not come up:\n${out}`);
        await new Promise(r => setTimeout(r, 500));
      }
      const kubeconfig = /^\s+kubeconfig: (\S+)/m.exec(out)?.[1] ?? "";
      expect(kubeconfig).toContain("cheiron-cp-");
      cpDir = dirname(kubeconfig);
      expect(out).toContain("starting the local control plane");
      expect(out).toMatch(
        /^\[start\] no node: CHEIRON_START_NODE=false; the local cluster runs no Pods$/m,
      );
      // "Another shell": enter the namespace npm start runs in and use the printed kubeconfig.
      const kubectl = spawnSync(
        "nsenter",
        [
          "-t",
          String(child.pid),
          "-n",
          join(k8sBinDir(), "kubectl"),
          "--kubeconfig",
          kubeconfig,
          "get",
          "ns",
          "-o",
          "name",
        ],
        { encoding: "utf8" },
      );
      expect(kubectl.stderr).toBe("");
      expect(kubectl.stdout).toContain("namespace/default");
      // Cheiron's own log lines are echoed, prefixed and readable; Pepr's own lines are not.
      const echoBy = Date.now() + 60_000;
      while (!/^\[cheiron\] .*Cheiron controller started/m.test(out) && Date.now() < echoBy)
        await new Promise(r => setTimeout(r, 300));
      expect(out).toMatch(
        /^\[cheiron\] \d\d:\d\d:\d\d INFO {2}Cheiron controller started resyncSeconds=\d+$/m,
      );
      expect(out).toMatch(/^\[cheiron\] \d\d:\d\d:\d\d INFO {2}Cheiron CRDs ensured crds=\{.*\}/m);
      const echoed = out.split("\n").filter(l => l.startsWith("[cheiron] "));
      expect(echoed.every(l => / (INFO|WARN|ERROR) +Cheiron /.test(l))).toBe(true);
      expect(out).not.toMatch(/Incoming request|Server listening/);
      // etcd, kube-apiserver, kube-controller-manager (command line), pepr dev and its module (environment)
      expect(processesMentioning(cpDir).length).toBeGreaterThanOrEqual(5);

      process.kill(-child.pid!, "SIGINT"); // what Ctrl-C sends to the foreground process group
      await exited; // npm itself may die of the signal, as it does at a terminal
      const stopBy = Date.now() + 30_000;
      while (!out.includes("no process left behind") && Date.now() < stopBy)
        await new Promise(r => setTimeout(r, 200));
      expect(out).toContain("no process left behind");
      expect(processesMentioning(cpDir)).toEqual([]);
    } finally {
      // A failure before Ctrl-C: npm start's cluster and module run in process groups of their own, so they are
      // stopped by what they mention, not through npm's group.
      const leftovers = cpDir ? processesMentioning(cpDir) : [];
      for (const pid of [-child.pid!, ...leftovers])
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      rmSync(home, { recursive: true, force: true });
    }
  }, 240_000);
});
