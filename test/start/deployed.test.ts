// `CHEIRON_START=deployed npm start` (issue 25 #6): the local cluster with a real node, the module installed with
// `npx pepr deploy` as its own Pods, the lines to try printed. The test runs the printed lines a user would: the
// Deployment of the private image, then the manager (its Pod ends `Running`, pulled with the Secret the watcher
// Pod wrote), and the watcher's log line. Then Ctrl-C, and nothing of the run is left on the machine.
// It starts a node, so it runs on the host network under the node lock, in a project of its own (`start`): the
// node and pods projects' global setups each start a node, and a second one cannot share the machine.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { REPO } from "../harness/module";
import { BRIDGE } from "../harness/node";
import { leftovers, nodeUnavailableReason, pidsNaming } from "../harness/node-host";
import { describeUnless } from "../harness/skippable";
import { eventually } from "../integration/helpers";

const describeStart = describeUnless(nodeUnavailableReason(BRIDGE.name));

const sh = (line: string) => spawnSync("bash", ["-c", line], { encoding: "utf8" });

describeStart("CHEIRON_START=deployed npm start", () => {
  it("runs the module as Pods, the printed lines work, and Ctrl-C leaves nothing on the machine", async () => {
    const child = spawn("npm", ["start"], {
      cwd: REPO,
      env: { ...process.env, KUBECONFIG: "", CI: "", CHEIRON_START: "deployed" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let cpDir = "";
    child.stdout.on("data", c => (out += c));
    child.stderr.on("data", c => (out += c));
    // npm start's own teardown (the node's Pods, kube-proxy's cleanup) took over 120 s on a loaded machine.
    const stopped = async () => {
      const stopBy = Date.now() + 600_000;
      while (!out.includes("[start] stopped") && child.pid && Date.now() < stopBy)
        await new Promise(r => setTimeout(r, 200));
    };
    const exited = new Promise<number | null>(r => child.on("exit", code => r(code)));
    try {
      const deadline = Date.now() + 840_000;
      while (!/Press Ctrl-C/.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`npm start did not come up:\n${out.slice(-5000)}`);
        await new Promise(r => setTimeout(r, 500));
      }
      const kubeconfig = /^\s+kubeconfig: (\S+)/m.exec(out)?.[1] ?? "";
      cpDir = dirname(kubeconfig);
      expect(out).toContain("Cheiron is running as its own Pods on the node");
      expect(out).toMatch(
        /\[pods\] install: npx pepr deploy → both Deployments rolled out and Ready/,
      );
      const lines = out.split("\n");
      const printed = (re: RegExp) => {
        const l = lines.find(x => re.test(x));
        if (!l) throw new Error(`no line matching ${re} in:\n${out}`);
        return l.replace(/^\s*(then:|logs:)?\s*/, "").replace(/\s+#.*$/, "");
      };
      const k = printed(/then: .* apply -f .*try-deployment\.yaml/).replace(/ apply -f .*$/, "");

      // The printed Deployment: its Pod waits in ImagePullBackOff (no credentials), as the printed watch shows.
      const pods = () =>
        JSON.parse(sh(`${k} get pods -n cheiron-try -o json`).stdout).items.map((p: any) => ({
          name: p.metadata.name,
          phase: p.status.phase,
          waiting: p.status.containerStatuses?.[0]?.state?.waiting?.reason ?? "",
        }));
      const run = (line: string) => {
        const r = sh(line);
        expect({ line, status: r.status, stderr: r.stderr }).toEqual({
          line,
          status: 0,
          stderr: "",
        });
      };
      run(printed(/apply -f .*try-deployment\.yaml/));
      const stuck = await eventually(
        async () => {
          const [pod] = pods();
          expect(pod?.waiting).toBe("ImagePullBackOff");
          return pod.name as string;
        },
        180_000,
        1000,
      );
      // The printed manager: the watcher Pod writes the Secret, attaches it, and replaces the stuck Pod.
      run(printed(/apply -f .*try-manager\.yaml/));
      await eventually(
        async () => expect(pods()).toEqual([expect.objectContaining({ phase: "Running" })]),
        240_000,
        1000,
      );
      expect(pods()[0].name).not.toBe(stuck);
      const sa = JSON.parse(sh(`${k} get sa default -n cheiron-try -o json`).stdout);
      expect(sa.imagePullSecrets).toEqual([{ name: "local-registry" }]);
      // The printed log line (without -F) shows the watcher Pod's own log.
      const logs = sh(
        printed(/logs: .*pepr-system_pepr-cheiron-watcher-/).replace("tail -F", "tail -n 200"),
      );
      expect({ status: logs.status, stderr: logs.stderr }).toEqual({ status: 0, stderr: "" });
      expect(logs.stdout).toMatch(/Cheiron controller started/);

      process.kill(-child.pid!, "SIGINT"); // what Ctrl-C sends to the foreground process group
      await exited;
      await stopped();
      expect(out).toContain(
        "[start] stopped: no process left behind (and nothing of the node: checked)",
      );
      expect(leftovers({ bridge: BRIDGE.name, dir: cpDir })).toEqual([]);
      expect(readFileSync("/proc/mounts", "utf8")).not.toContain(cpDir);
      expect(sh("ps -eo comm | grep -E '^(kubelet|containerd)'").stdout).toBe("");
    } finally {
      console.log(`npm start printed:\n${out}`);
      // A failure before Ctrl-C: stop npm start (its own stop tears the node down), then what names the run.
      // (npm itself dies of the SIGINT: then its exitCode stays null and signalCode is set.)
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, "SIGINT");
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise(r => (timer = setTimeout(r, 120_000)))]);
        clearTimeout(timer);
      }
      await stopped(); // never SIGKILL npm start while it tears the node down (that left the bridge and rules)
      for (const pid of [-child.pid!, ...(cpDir ? pidsNaming(cpDir) : [])])
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* already gone */
        }
    }
  }, 1_000_000);
});
