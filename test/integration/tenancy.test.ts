// Issue 12 #5, tenancy through the real apiserver: a tenant whose RBAC is one namespace (a ServiceAccount with a
// Role there, its token from the TokenRequest API) can create a namespaced manager, which never makes the module
// write outside that namespace; cannot create a cluster manager; and cannot make the module copy or reveal a
// Secret it cannot read: another namespace's is refused by the API, a non-registry Secret of its own namespace
// is reported without its content and attached nowhere.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubectl } from "../harness/kubectl";
import {
  describeCluster,
  eventually,
  k,
  kJson,
  manager,
  managerEvents,
  moduleWrites,
  newNamespace,
  pullsOf,
  status,
} from "./helpers";

const SECRET_VALUE = "tenant-db-password-9f3b";

describeCluster("tenancy: a namespaced tenant", () => {
  let ns = "";
  let tenant = "";
  const asTenant = (args: string[], input?: string) =>
    kubectl(tenant, args, { input, allowFail: true });

  beforeAll(async () => {
    ns = await newNamespace("tenant");
    await k(["create", "sa", "tenant", "-n", ns]);
    await k([
      "create",
      "role",
      "tenant",
      "-n",
      ns,
      "--verb=*",
      "--resource=imagepullsecretmanagers.cheiron.anny.co,secrets,serviceaccounts",
    ]);
    await k([
      "create",
      "rolebinding",
      "tenant",
      "-n",
      ns,
      "--role=tenant",
      `--serviceaccount=${ns}:tenant`,
    ]);
    const token = (await k(["create", "token", "tenant", "-n", ns, "--duration=1h"])).stdout.trim();
    const admin = await kJson(["config", "view", "--raw", "--minify"]);
    const cfg = {
      ...admin,
      users: [{ name: "tenant", user: { token } }],
      contexts: [
        {
          name: "tenant",
          context: { cluster: admin.clusters[0].name, user: "tenant", namespace: ns },
        },
      ],
      "current-context": "tenant",
    };
    tenant = join(process.env.CHEIRON_IT_DIR ?? "/tmp", `tenant-${ns}.kubeconfig`);
    writeFileSync(tenant, JSON.stringify(cfg));
  });

  it("cannot create a cluster manager", async () => {
    const r = await asTenant(
      ["create", "-f", "-"],
      manager("ClusterImagePullSecretManager", `t-${ns}`, {
        secrets: [{ name: "x", registry: "ghcr.io", username: "u", password: "p" }],
      }),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/forbidden/i);
  });

  it("cannot point a namespaced manager at another namespace's Secret", async () => {
    const r = await asTenant(
      ["create", "-f", "-"],
      manager(
        "ImagePullSecretManager",
        "cross",
        { secrets: [{ existingSecretRef: { name: "regcred", namespace: "kube-system" } }] },
        ns,
      ),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/namespace/i);
  });

  it("its manager writes only in its namespace, and a non-registry Secret is reported without its content", async () => {
    const other = await newNamespace("tenant-other");
    const made = await asTenant([
      "create",
      "secret",
      "generic",
      "db",
      "-n",
      ns,
      `--from-literal=password=${SECRET_VALUE}`,
    ]);
    expect(made.code).toBe(0);
    const since = new Date().toISOString();
    const r = await asTenant(
      ["apply", "-f", "-"],
      manager(
        "ImagePullSecretManager",
        "mine",
        {
          secrets: [
            { name: "pull", registry: "ghcr.io", username: "u", password: "tenant-registry-pw" },
            { existingSecretRef: { name: "db" } },
          ],
        },
        ns,
      ),
    );
    expect(r.code).toBe(0);
    await eventually(async () => {
      expect(await pullsOf(ns, "default")).toEqual(["pull"]);
      const reasons = ((await status("ipsm", "mine", ns)).problems ?? []).map(
        (p: { reason: string }) => p.reason,
      );
      expect(reasons).toEqual(["SourceSecretInvalid"]);
    });
    expect(await pullsOf(other, "default")).toEqual([]);
    const writes = moduleWrites(e => e.stageTimestamp > since);
    const outside = writes.filter(
      e => (e.objectRef?.namespace ?? "") !== ns && e.objectRef?.resource !== "peprstores",
    );
    expect(outside).toEqual([]);
    const seen = JSON.stringify([
      await kJson(["get", "ipsm", "mine", "-n", ns]),
      await managerEvents(ns, "mine"),
    ]);
    expect(seen).not.toContain(SECRET_VALUE);
    expect(seen).not.toContain(Buffer.from(SECRET_VALUE).toString("base64"));
    const copies = (
      await kJson(["get", "secrets", "-A", "-l", `cheiron.anny.co/manager=ipsm.${ns}.mine`])
    ).items;
    expect(
      copies.map(
        (c: { metadata: { namespace: string; name: string } }) =>
          `${c.metadata.namespace}/${c.metadata.name}`,
      ),
    ).toEqual([`${ns}/pull`]);
    await asTenant(["delete", "ipsm", "mine", "-n", ns, "--wait=true", "--timeout=60s"]);
  });
});
