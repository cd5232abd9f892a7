// Pod fault (issue 25 #4 e): the watcher's projected ServiceAccount token rotated by the kubelet. The test's copy
// of the watcher Deployment mounts its own projected token with expirationSeconds 600 (the least the API accepts;
// the kubelet refreshes it at 80% of its life, then writes it on its next Pod sync, within about a minute) in place
// of the automounted one (3607 s, which this apiserver extends to a year: --service-account-extend-token-expiration
// is left at its default). The test reads the token file through the kubelet's mount namespace, waits until it has
// changed and the first token has expired, then a new namespace gets its Secret: the watcher's writes carry the new
// token. Same Pod, no restart. Times are printed, never asserted.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expectConverged } from "../faults/cluster";
import { eventually, k } from "../integration/helpers";
import { describeNode, nodeState } from "../node/state";
import { cheironSecretsNamed, ensureDeployed, namespaces } from "./install";
import { adminClient, fanOutSetup, modulePods, restartFigures, waitReplaced } from "./faults";

const VOLUME = "short-token";
const EXPIRATION = 600;

/** The claims of the token the kubelet wrote for Pod `uid` (read inside the kubelet's mount namespace). */
function tokenOf(uid: string): { iat: number; exp: number; raw: string } {
  const root = join(nodeState().dir, "node", "kubelet");
  const kubelet = readdirSync("/proc")
    .filter(p => /^\d+$/.test(p))
    .find(p => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(`--root-dir=${root}`);
      } catch {
        return false;
      }
    });
  if (!kubelet) throw new Error(`no kubelet with --root-dir=${root}`);
  const file = `/proc/${kubelet}/root${root}/pods/${uid}/volumes/kubernetes.io~projected/${VOLUME}/token`;
  const raw = readFileSync(file, "utf8");
  const claims = JSON.parse(Buffer.from(raw.split(".")[1], "base64url").toString("utf8"));
  return { iat: claims.iat, exp: claims.exp, raw };
}

const shortToken = [
  { op: "add", path: "/spec/template/spec/automountServiceAccountToken", value: false },
  {
    op: "add",
    path: "/spec/template/spec/volumes/-",
    value: {
      name: VOLUME,
      projected: {
        sources: [
          { serviceAccountToken: { path: "token", expirationSeconds: EXPIRATION } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          {
            downwardAPI: {
              items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }],
            },
          },
        ],
      },
    },
  },
  {
    op: "add",
    path: "/spec/template/spec/containers/0/volumeMounts/-",
    value: {
      name: VOLUME,
      mountPath: "/var/run/secrets/kubernetes.io/serviceaccount",
      readOnly: true,
    },
  },
];

describeNode("Pod faults: the watcher's projected token rotated by the kubelet", () => {
  jest.setTimeout(1_800_000);
  let cleanup = async () => {};
  afterAll(() => cleanup());

  test("after the token file changed and the first token expired, a new namespace gets its Secret", async () => {
    await ensureDeployed();
    const admin = adminClient();
    const f = await fanOutSetup(admin, "pf-token", 3);
    cleanup = f.cleanup;
    await f.apply();
    const [before] = await modulePods("watcher");
    await k([
      "patch",
      "deployment",
      "pepr-cheiron-watcher",
      "-n",
      "pepr-system",
      "--type=json",
      "-p",
      JSON.stringify(shortToken),
    ]);
    const [pod] = await waitReplaced("watcher", [before.uid], 1);
    const first = tokenOf(pod.uid);
    expect(first.exp - first.iat).toBe(EXPIRATION);
    await expectConverged(admin, f.expected);

    const rotated = await eventually(
      async () => {
        const t = tokenOf(pod.uid);
        if (t.raw === first.raw) throw new Error(`the token issued at ${first.iat} is still there`);
        return t;
      },
      (EXPIRATION + 300) * 1000,
      5000,
    );
    const seenAt = Date.now() / 1000;
    // The first token is no longer valid from here: whatever the watcher writes now carries the new one.
    await new Promise(r => setTimeout(r, Math.max(0, (first.exp + 5) * 1000 - Date.now())));
    const [late] = await namespaces(`${f.name}-late`, 1, { faults: f.run });
    await expectConverged(admin, { ...f.expected, namespaces: [...f.expected.namespaces, late] });
    await eventually(async () => expect(await cheironSecretsNamed(f.name)).toContain(late), 60_000);
    const [after] = await modulePods("watcher");
    console.log(
      `[pods] watcher token: issued ${first.iat}, expires ${first.exp} (${first.exp - first.iat} s); the file changed (new token issued ${rotated.iat}) ${(seenAt - first.iat).toFixed(0)} s after the first was issued; the new namespace was filled ${(Date.now() / 1000 - first.exp).toFixed(0)} s after the first token expired; ${await restartFigures()}`,
    );
    expect(rotated.iat).toBeGreaterThan(first.iat);
    expect({ uid: after.uid, restarts: after.restarts }).toEqual({ uid: pod.uid, restarts: 0 });
  });
});
