// Issue 22 #2 against a real control plane: pepr-system/cheiron-ownership-key lost (a reinstall after
// `pepr-system` was deleted, a restore without that Secret) and the watcher restarted, so it creates a new key.
// Before, every existing copy carried a proof that no longer matched and counted as forged: a SecretConflict,
// detached from every ServiceAccount and never updated again. Now a copy whose data is exactly the manager's is
// re-proven (an OwnershipReproven Event), stays attached, and a later rotation of its source updates it.
import { OWNERSHIP_KEY_SECRET } from "../../src/constants";
import {
  createPullSecret,
  decodeDockerConfig,
  eventually,
  k,
  kJson,
  managerEvents,
  moduleWrites,
  pullsOf,
  status,
  uid,
} from "../integration/helpers";
import { applyClusterManager, describeFaults, FaultCluster, startFaultCluster } from "./cluster";

const PROOF = "cheiron.anny.co/owner-proof";
const auth = (secret: object) =>
  Buffer.from(decodeDockerConfig(secret).auths["registry.example.com"].auth, "base64").toString();

describeFaults("faults: the ownership key lost and the watcher restarted", () => {
  let c: FaultCluster;
  const run = uid();
  const targets = [`own-${run}-a`, `own-${run}-b`];
  const src = `own-src-${run}`;
  const name = `owned-${run}`;

  beforeAll(async () => {
    c = await startFaultCluster();
    await k(["create", "ns", src]);
    for (const ns of targets) await k(["create", "ns", ns]);
    for (const ns of targets) await k(["label", "ns", ns, `faults=${run}`]);
    await createPullSecret(src, "org", "registry.example.com", "v1");
  }, 600_000);

  afterAll(async () => c?.w.stop());

  it("re-proves copies whose data is exactly the manager's: still attached, an Event, and rotations apply", async () => {
    await applyClusterManager(name, run, { existingSecretRef: { name: "org", namespace: src } });
    await eventually(async () => {
      for (const ns of targets) expect(await pullsOf(ns, "default")).toEqual(["org"]);
    }, 60_000);
    const before = await Promise.all(targets.map(ns => kJson(["get", "secret", "org", "-n", ns])));
    const oldKey = await kJson(["get", "secret", OWNERSHIP_KEY_SECRET, "-n", "pepr-system"]);

    await k(["delete", "secret", OWNERSHIP_KEY_SECRET, "-n", "pepr-system"]);
    const since = new Date().toISOString();
    await c.w.restart();
    // the restarted watcher made a new key (the proofs on the copies no longer match it) ...
    await eventually(async () => {
      const key = await kJson(["get", "secret", OWNERSHIP_KEY_SECRET, "-n", "pepr-system"]);
      expect(key.metadata.uid).not.toBe(oldKey.metadata.uid);
    }, 60_000);
    // ... and re-proved the copies in place: same objects, a new proof, no conflict, an Event naming them
    await eventually(async () => {
      const reasons = ((await status("cipsm", name)).problems ?? []).map(
        (p: { reason: string }) => p.reason,
      );
      expect(reasons).not.toContain("SecretConflict");
      const events = (await managerEvents("default", name)).filter(
        e => e.reason === "OwnershipReproven",
      );
      for (const ns of targets) expect(events.map(e => e.message).join(" ")).toContain(`${ns}/org`);
      for (const [i, ns] of targets.entries()) {
        const copy = await kJson(["get", "secret", "org", "-n", ns]);
        expect(copy.metadata.uid).toBe(before[i].metadata.uid);
        expect(copy.metadata.annotations[PROOF]).toMatch(/^[0-9a-f]{40}$/);
        expect(copy.metadata.annotations[PROOF]).not.toBe(before[i].metadata.annotations[PROOF]);
      }
    }, 60_000);
    for (const ns of targets) expect(await pullsOf(ns, "default")).toEqual(["org"]);
    // never detached in between: the restarted watcher wrote no ServiceAccount, only the copies' proofs
    await eventually(async () => {
      const writes = moduleWrites(
        e => e.stageTimestamp > since && targets.includes(e.objectRef?.namespace ?? ""),
      ).map(
        e => `${e.verb} ${e.objectRef?.resource} ${e.objectRef?.namespace}/${e.objectRef?.name}`,
      );
      expect(writes.sort()).toEqual(targets.map(ns => `patch secrets ${ns}/org`));
    });
    const events = await managerEvents("default", name);
    expect(JSON.stringify(events)).not.toContain(before[0].data[".dockerconfigjson"]);

    // a rotation of the source now reaches the copies (a copy left "forged" was never updated again)
    const rotated = {
      auths: { "registry.example.com": { auth: Buffer.from("u:v2").toString("base64") } },
    };
    const data = { ".dockerconfigjson": Buffer.from(JSON.stringify(rotated)).toString("base64") };
    await k(["patch", "secret", "org", "-n", src, "--type=merge", "-p", JSON.stringify({ data })]);
    await eventually(async () => {
      for (const ns of targets)
        expect(auth(await kJson(["get", "secret", "org", "-n", ns]))).toBe("u:v2");
    }, 60_000);
    for (const ns of targets) expect(await pullsOf(ns, "default")).toEqual(["org"]);
    expect(((await status("cipsm", name)).problems ?? []).map((p: any) => p.reason)).toEqual([]);
  }, 300_000);
});
