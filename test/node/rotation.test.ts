// Rotation on a real node: the registry's password changes (its htpasswd file rewritten; the registry reads it
// again when it changes); a new Pod then fails with the registry's 401 until the manager's password is updated;
// after that, a new Pod pulls with the Secret Cheiron rewrote.
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
  newNamespace,
} from "../integration/helpers";
import { deployment, podsOf, waitForPod, waitManagerReady } from "./pods";
import { describeNode, nodeState, NodeRegistry } from "./state";

const setPassword = (r: NodeRegistry, password: string) =>
  writeFileSync(join(r.dir, "htpasswd"), `${r.user}:${hashSync(password, 5)}\n`);

const secrets = (r: NodeRegistry, password: string) => [
  { name: "registry-a", registry: r.host, username: r.user, password },
];

/** Deletes the Deployment's Pod; its ReplicaSet makes a new one that pulls again (imagePullPolicy Always). */
async function replacePod(ns: string) {
  const [old] = await podsOf(ns, "app");
  await k(["delete", "pod", old.name, "-n", ns, "--wait=false"]);
  await eventually(async () =>
    expect((await podsOf(ns, "app")).map(p => p.uid)).not.toContain(old.uid),
  );
}

describeNode("rotation, on a real node", () => {
  test("after the registry's password changes a new Pod gets the registry's 401; once the manager has the new password a new Pod runs", async () => {
    const { a } = nodeState().registries;
    const ns = await newNamespace("node-rotate");
    await apply(
      manager("ImagePullSecretManager", "pulls", { secrets: secrets(a, a.password) }, ns),
      ns,
    );
    await waitManagerReady("ipsm", "pulls", ns);
    await deployment(ns, "app", a.image);
    await waitForPod(ns, "app", "Running");

    const rotated = randomBytes(12).toString("hex");
    setPassword(a, rotated);
    try {
      await replacePod(ns);
      const refused = await waitForPod(ns, "app", "ImagePullBackOff");
      expect(refused.message).toContain("401 Unauthorized");

      await apply(
        manager("ImagePullSecretManager", "pulls", { secrets: secrets(a, rotated) }, ns),
        ns,
      );
      await eventually(async () => {
        const secret = await kJson(["get", "secret", "registry-a", "-n", ns]);
        const auth = decodeDockerConfig(secret).auths[a.host].auth;
        expect(Buffer.from(auth, "base64").toString()).toBe(`${a.user}:${rotated}`);
      }, 60_000);
      await replacePod(ns);
      const running = await waitForPod(ns, "app", "Running");
      expect(running.pullSecrets).toEqual(["registry-a"]);
    } finally {
      setPassword(a, a.password);
    }
    await k(["delete", "namespace", ns, "--wait=false"]);
  });
});
