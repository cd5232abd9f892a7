// Fault matrix (issue 12 #2), with the watcher running as a ServiceAccount (not system:masters) whose token it
// reads from a file (test/harness/tokens.ts), on a control plane that compacts etcd every 2 s:
// - a watch that gets 410 Gone (events compacted while it was disconnected) relists and misses nothing;
// - the in-cluster token rotated: the file gets a new token, the old one is invalidated (its bound Secret
//   deleted); the watcher keeps working without a restart;
// - the apiserver throttling the module: a FlowSchema and PriorityLevelConfiguration give its ServiceAccount one
//   seat (the apiserver runs with 150 seats in all) and no queue, so its fan-out meets real 429s; it converges,
//   and never retries a refused request sooner than its Retry-After.
import { request } from "node:https";
import { join } from "node:path";
import { restartApiserver } from "../harness/control-plane";
import { httpsGet } from "../harness/proc";
import {
  boundToken,
  createServiceAccountIdentity,
  writeTokenFile,
  writeTokenFileKubeconfig,
} from "../harness/tokens";
import { AuditEvent, auditEvents } from "../harness/audit";
import { eventually, k, uid } from "../integration/helpers";
import { readFileSync } from "node:fs";
import {
  applyClusterManager,
  createNamespaces,
  describeFaults,
  Expectation,
  expectConverged,
  FaultCluster,
  startFaultCluster,
} from "./cluster";

const SA_NS = "pepr-system";
const SA = "cheiron-faults";
const SA_USER = `system:serviceaccount:${SA_NS}:${SA}`;

describeFaults("faults: a watch that gets 410 Gone, and a rotated token", () => {
  let c: FaultCluster;
  let tokenFile = "";
  let firstToken = "";
  const run = uid();
  const ns = (i: number) => `i-${run}-${i}`;
  let expected: Expectation;
  const saRequests = (since: string) => auditEvents({ user: SA_USER, since }, c.w.cp.auditLog);
  const signal = (sig: NodeJS.Signals) => process.kill(-(c.w.proc.child.pid ?? 0), sig);

  beforeAll(async () => {
    c = await startFaultCluster({
      controlPlane: {
        apiserverArgs: [
          "--etcd-compaction-interval=2s",
          "--max-requests-inflight=100",
          "--max-mutating-requests-inflight=50",
        ],
        auditUsers: [SA_USER],
      },
      // a failed run is retried no sooner than 2 s (>= the apiserver's Retry-After), as is a refused request
      env: { CHEIRON_RETRY_BASE_MS: "2000" },
      setup: async cp => {
        await createServiceAccountIdentity(cp, SA_NS, SA);
        firstToken = await boundToken(cp, SA_NS, SA, "token-1");
        tokenFile = join(cp.dir, "sa-token");
        writeTokenFile(tokenFile, firstToken);
        return {
          kubeconfig: writeTokenFileKubeconfig(cp, join(cp.dir, "sa.kubeconfig"), tokenFile),
        };
      },
    });
    const first = Array.from({ length: 30 }, (_, i) => ns(i));
    await createNamespaces(c.admin, first, { faults: run });
    await applyClusterManager("ident", run);
    expected = { namespaces: first, secrets: ["ident"], managers: ["ident"] };
    await expectConverged(c.admin, expected);
  }, 600_000);

  afterAll(async () => c?.w.stop());

  it("a watch that gets 410 Gone (events compacted while it was disconnected) relists and misses nothing", async () => {
    const since = new Date().toISOString();
    signal("SIGSTOP"); // the watcher hears nothing from here on
    try {
      const more = Array.from({ length: 10 }, (_, i) => ns(30 + i));
      await createNamespaces(c.admin, more, { faults: run });
      expected.namespaces = [...expected.namespaces, ...more];
      // references taken away by hand while the watcher is away
      for (let i = 0; i < 5; i++)
        await c.admin.patch(
          `/api/v1/namespaces/${ns(i)}/serviceaccounts/default`,
          { imagePullSecrets: null },
          "merge",
        );
      // several compaction intervals pass; the restart ends every watch it had open
      await new Promise(r => setTimeout(r, 6000));
      await restartApiserver(c.w.cp);
    } finally {
      signal("SIGCONT");
    }
    await expectConverged(c.admin, expected);
    const lists = saRequests(since).filter(
      e => e.verb === "list" && e.objectRef?.resource === "serviceaccounts",
    );
    expect(lists.length).toBeGreaterThan(0); // the informer relisted (it lists only at start and on 410)
  }, 420_000);

  it("the in-cluster token rotated and the old one invalidated: the watcher keeps working without a restart", async () => {
    const pid = c.w.proc.child.pid;
    const next = await boundToken(c.w.cp, SA_NS, SA, "token-2");
    writeTokenFile(tokenFile, next);
    await k(["delete", "secret", "token-1", "-n", SA_NS]);
    const api = (token: string) =>
      httpsGet(`${c.w.cp.server}/api`, { token, insecure: true }).then(r => r.status);
    await eventually(async () => expect(await api(firstToken)).toBe(401), 60_000, 500);
    expect(await api(next)).toBe(200);
    const since = new Date().toISOString();
    // a new namespace through the watches opened with the old token, then every connection anew
    await createNamespaces(c.admin, [ns(40)], { faults: run });
    expected.namespaces = [...expected.namespaces, ns(40)];
    await expectConverged(c.admin, expected);
    await restartApiserver(c.w.cp);
    await createNamespaces(c.admin, [ns(41)], { faults: run });
    expected.namespaces = [...expected.namespaces, ns(41)];
    await expectConverged(c.admin, expected);
    expect({ pid: c.w.proc.child.pid, exit: c.w.proc.exitCode }).toEqual({ pid, exit: null });
    const watches = saRequests(since).filter(
      e => e.verb === "watch" && e.responseStatus?.code === 200,
    );
    expect(watches.length).toBeGreaterThan(0); // watches re-opened with the new token after the restart
  }, 420_000);

  it("the apiserver throttling the module (one seat, no queue): real 429s, Retry-After honoured, converged", async () => {
    await k(["apply", "-f", "-"], { input: throttle });
    await eventually(async () => {
      const fs = JSON.parse(
        (await k(["get", "flowschema", "cheiron-faults", "-o", "json"])).stdout,
      );
      const dangling = (fs.status?.conditions ?? []).find((c: any) => c.type === "Dangling");
      expect(dangling?.status).toBe("False");
    });
    // the apiserver's Retry-After for this level, seen by a burst of the ServiceAccount's own reads
    const retryAfter = await eventually(async () => {
      const token = readFileSync(tokenFile, "utf8");
      const rs = await Promise.all(
        Array.from({ length: 40 }, () =>
          rawGet(`${c.w.cp.server}/api/v1/namespaces?limit=500`, token),
        ),
      );
      const refused = rs.find(r => r.status === 429);
      if (!refused) throw new Error("no 429 yet");
      return Number(refused.retryAfter);
    }, 60_000);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    const since = new Date().toISOString();
    await applyClusterManager("throttled", run);
    expected.secrets.push("throttled");
    expected.managers.push("throttled");
    await expectConverged(c.admin, expected);
    const events = saRequests(since);
    const refused = events.filter(e => e.responseStatus?.code === 429);
    expect(refused.length).toBeGreaterThan(0);
    // Checked: the requests only one caller makes, writes to a named Secret or ServiceAccount (one worker owns a
    // namespace at a time), so the same request again is the client's retry. A list or an Event create
    // (generateName) can come from two callers at once (two managers over one namespace), and the same URI a few
    // ms later is then the other caller, not a retry.
    const sameRequest = (a: AuditEvent, b: AuditEvent) =>
      a.verb === b.verb && a.requestURI === b.requestURI && a.objectRef?.name === b.objectRef?.name;
    const oneCaller = (e: AuditEvent) =>
      ["secrets", "serviceaccounts"].includes(e.objectRef?.resource ?? "") &&
      !e.objectRef?.subresource &&
      ["create", "update", "patch", "delete"].includes(e.verb);
    const checked = refused.filter(oneCaller);
    expect(checked.length).toBeGreaterThan(0);
    // every such refused request, the next time the same request came: not before Retry-After
    const early = checked.flatMap(r => {
      const at = Date.parse(r.requestReceivedTimestamp);
      const again = events.find(
        e => sameRequest(e, r) && Date.parse(e.requestReceivedTimestamp) > at,
      );
      const gap = again ? Date.parse(again.requestReceivedTimestamp) - at : Infinity;
      return gap < retryAfter * 1000 ? [`${r.verb} ${r.requestURI} again after ${gap} ms`] : [];
    });
    console.log(
      `[faults] ${refused.length} requests refused with 429 (Retry-After ${retryAfter} s), ` +
        `${checked.length} of them writes to named Secrets and ServiceAccounts`,
    );
    expect(early).toEqual([]);
  }, 420_000);
});

const throttle = JSON.stringify({
  apiVersion: "v1",
  kind: "List",
  items: [
    {
      apiVersion: "flowcontrol.apiserver.k8s.io/v1",
      kind: "PriorityLevelConfiguration",
      metadata: { name: "cheiron-faults" },
      spec: {
        type: "Limited",
        limited: {
          nominalConcurrencyShares: 1,
          lendablePercent: 0,
          borrowingLimitPercent: 0,
          limitResponse: { type: "Reject" },
        },
      },
    },
    {
      apiVersion: "flowcontrol.apiserver.k8s.io/v1",
      kind: "FlowSchema",
      metadata: { name: "cheiron-faults" },
      spec: {
        priorityLevelConfiguration: { name: "cheiron-faults" },
        matchingPrecedence: 50,
        distinguisherMethod: { type: "ByUser" },
        rules: [
          {
            subjects: [{ kind: "ServiceAccount", serviceAccount: { name: SA, namespace: SA_NS } }],
            resourceRules: [
              {
                verbs: ["*"],
                apiGroups: ["*"],
                resources: ["*"],
                clusterScope: true,
                namespaces: ["*"],
              },
            ],
            nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
          },
        ],
      },
    },
  ],
});

/** A GET with a bearer token that keeps the Retry-After header. */
function rawGet(url: string, token: string): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` } },
      res => {
        res.resume();
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}
