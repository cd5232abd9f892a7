// Rotation on a real node: the registry's password changes (its htpasswd file rewritten; the registry reads it
// again when it changes); a new Pod then fails with the registry's 401, and spec.verify turns Rejected with an
// Event; once the manager's password is updated verify says Valid again and a new Pod pulls with the Secret
// Cheiron rewrote. Each verify result is paired with a real pull that agrees with it.
import { hashSync } from "bcryptjs";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  apply,
  decodeDockerConfig,
  eventually,
  k,
  kJson,
  manager,
  managerEvents,
  newNamespace,
  status,
} from "../integration/helpers";
import { deployment, podsOf, waitForPod, waitManagerReady } from "./pods";
import { describeNode, nodeState, NodeRegistry } from "./state";

const setPassword = (r: NodeRegistry, password: string) =>
  writeFileSync(join(r.dir, "htpasswd"), `${r.user}:${hashSync(password, 5)}\n`);

const spec = (r: NodeRegistry, password: string) => ({
  secrets: [{ name: "registry-a", registry: r.host, username: r.user, password }],
  verify: { enabled: true, intervalMinutes: 1 },
});

/** Waits until spec.verify reports `result` for the one credential. */
const verified = (ns: string, result: "Valid" | "Rejected", timeoutMs = 60_000) =>
  eventually(async () => {
    const creds = (await status("ipsm", "pulls", ns)).credentials ?? [];
    expect(creds.map((c: { result: string }) => c.result)).toEqual([result]);
  }, timeoutMs);

/** Deletes the Deployment's Pod; its ReplicaSet makes a new one that pulls again (imagePullPolicy Always). */
async function replacePod(ns: string) {
  const [old] = await podsOf(ns, "app");
  await k(["delete", "pod", old.name, "-n", ns, "--wait=false"]);
  await eventually(async () =>
    expect((await podsOf(ns, "app")).map(p => p.uid)).not.toContain(old.uid),
  );
}

describeNode("rotation, on a real node", () => {
  test("after the registry's password changes a new Pod gets the registry's 401 and verify says Rejected; once the manager has the new password verify says Valid and a new Pod runs", async () => {
    const { a } = nodeState().registries;
    const ns = await newNamespace("node-rotate");
    await apply(manager("ImagePullSecretManager", "pulls", spec(a, a.password), ns), ns);
    await waitManagerReady("ipsm", "pulls", ns);
    await verified(ns, "Valid");
    await deployment(ns, "app", a.image);
    await waitForPod(ns, "app", "Running");

    const rotated = randomBytes(12).toString("hex");
    setPassword(a, rotated);
    try {
      await replacePod(ns);
      const refused = await waitForPod(ns, "app", "ImagePullBackOff");
      expect(refused.message).toContain("401 Unauthorized");
      // The next check (intervalMinutes: 1) finds the registry refusing the credential.
      await verified(ns, "Rejected", 120_000);
      const events = await managerEvents(ns, "pulls");
      expect(events.map((e: { reason: string }) => e.reason)).toContain("CredentialRejected");

      await apply(manager("ImagePullSecretManager", "pulls", spec(a, rotated), ns), ns);
      await eventually(async () => {
        const secret = await kJson(["get", "secret", "registry-a", "-n", ns]);
        const auth = decodeDockerConfig(secret).auths[a.host].auth;
        expect(Buffer.from(auth, "base64").toString()).toBe(`${a.user}:${rotated}`);
      }, 60_000);
      await verified(ns, "Valid");
      await replacePod(ns);
      const running = await waitForPod(ns, "app", "Running");
      expect(running.pullSecrets).toEqual(["registry-a"]);
    } finally {
      setPassword(a, a.password);
    }
    await k(["delete", "namespace", ns, "--wait=false"]);
  });
});
