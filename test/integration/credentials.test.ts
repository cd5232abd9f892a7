// No credential in a log line, an Event or a status, even with the module started at LOG_LEVEL=debug
// (test/harness/env.ts), where Pepr itself would log admission bodies.
import {
  apply,
  describeCluster,
  eventually,
  inline,
  kJson,
  manager,
  moduleLog,
  pullsOf,
  newNamespace,
  uid,
} from "./helpers";

describeCluster("credentials stay out of logs, Events and status", () => {
  it("a manager's password appears nowhere but in the Secret", async () => {
    const ns = await newNamespace("creds");
    const password = `very-secret-${uid()}${uid()}`;
    await apply(
      manager("ImagePullSecretManager", "m", {
        secrets: [inline("cred", "ghcr.io", password), { existingSecretRef: { name: "absent" } }],
      }),
      ns,
    );
    await eventually(async () => {
      expect(await pullsOf(ns, "default")).toEqual(["cred"]);
      expect((await kJson(["get", "ipsm", "m", "-n", ns])).status?.problems?.length).toBe(1);
    });
    // Rotate once more so that update paths are logged too.
    await apply(
      manager("ImagePullSecretManager", "m", {
        secrets: [inline("cred", "ghcr.io", `${password}-2`)],
      }),
      ns,
    );
    const secret = await eventually(async () => {
      const s = await kJson(["get", "secret", "cred", "-n", ns]);
      expect(Buffer.from(s.data[".dockerconfigjson"], "base64").toString()).toContain(
        `${password}-2`,
      );
      return s;
    });
    const encoded = Buffer.from(`cheiron-test:${password}`).toString("base64").slice(0, 24);

    const log = moduleLog();
    expect(log).toContain("Cheiron capped the log level at info");
    expect(log).not.toContain(password);
    expect(log).not.toContain(encoded);
    expect(log).not.toContain(secret.data[".dockerconfigjson"].slice(0, 40));
    const events = JSON.stringify(await kJson(["get", "events", "-n", ns]));
    const obj = JSON.stringify((await kJson(["get", "ipsm", "m", "-n", ns])).status);
    for (const text of [events, obj]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(encoded);
    }
  });
});
