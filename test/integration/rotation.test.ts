// Short-lived registry tokens by composition (docs/operations.md, "Short-lived registry tokens"): a token
// generator (the External Secrets Operator's ECRAuthorizationToken, GCRAccessToken, ACRAccessToken behind an
// ExternalSecret) rewrites one kubernetes.io/dockerconfigjson Secret in place, and a ClusterImagePullSecretManager
// with existingSecretRef copies it into every selected namespace. ESO itself does not run here: the test writes
// the source Secret the way it does (same name, new data, its own field manager), every few seconds.
import {
  decodeDockerConfig,
  describeCluster,
  eventually,
  k,
  kJson,
  manager,
  moduleQuietIn,
  moduleWrites,
  newNamespace,
  pullsOf,
  status,
  uid,
  apply,
} from "./helpers";

const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const ROTATIONS = 5;
const EVERY_MS = 3000;

/** The source Secret as a generator's ExternalSecret writes it: a server-side apply of the whole object. */
function writeSource(namespace: string, name: string, token: string) {
  const config = {
    auths: {
      [REGISTRY]: {
        username: "AWS",
        password: token,
        auth: Buffer.from(`AWS:${token}`).toString("base64"),
      },
    },
  };
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/dockerconfigjson",
    metadata: {
      name,
      namespace,
      labels: { "reconcile.external-secrets.io/managed": "true" },
    },
    data: { ".dockerconfigjson": Buffer.from(JSON.stringify(config)).toString("base64") },
  };
  return k(
    ["apply", "--server-side", "--field-manager=external-secrets", "--force-conflicts", "-f", "-"],
    { input: JSON.stringify(secret) },
  );
}

describeCluster("rotation: a source Secret rewritten in place reaches every copy", () => {
  it("every copy in every selected namespace follows each rotation, and none is left stale after the last", async () => {
    const id = uid();
    const label = { "cheiron-test/rotation": id };
    const sources = await newNamespace("eso");
    const targets = [
      await newNamespace("rot-a", label),
      await newNamespace("rot-b", label),
      await newNamespace("rot-c", label),
    ];
    const source = `ecr-token-${id}`;
    const token = (n: number) => `token-${id}-${n}`;
    await writeSource(sources, source, token(0));
    const cm = `rotation-${id}`;
    await apply(
      manager("ClusterImagePullSecretManager", cm, {
        namespaceSelector: { matchLabels: label },
        secrets: [{ name: "ecr", existingSecretRef: { name: source, namespace: sources } }],
      }),
    );

    /** Every copy's .dockerconfigjson is the source's, and the source carries token n. */
    const copiesFollow = (n: number) =>
      eventually(async () => {
        const src = await kJson(["get", "secret", source, "-n", sources]);
        expect(decodeDockerConfig(src).auths[REGISTRY].password).toBe(token(n));
        for (const ns of targets) {
          const copy = await kJson(["get", "secret", "ecr", "-n", ns]);
          expect({ ns, data: copy.data[".dockerconfigjson"] }).toEqual({
            ns,
            data: src.data[".dockerconfigjson"],
          });
        }
      }, 30_000);

    try {
      await copiesFollow(0);
      for (const ns of targets) expect(await pullsOf(ns, "default")).toEqual(["ecr"]);
      const rotating = new Date().toISOString();
      const start = Date.now();
      for (let n = 1; n <= ROTATIONS; n++) {
        // The generator's cadence: rotation n is due EVERY_MS after the previous one was due.
        const due = start + n * EVERY_MS;
        await new Promise(r => setTimeout(r, Math.max(0, due - Date.now())));
        await writeSource(sources, source, token(n));
        await copiesFollow(n);
      }

      // After the last rotation, once the module is done in every namespace, no copy holds an older token (a
      // late write of an earlier rotation would show here).
      for (const ns of targets) await moduleQuietIn(ns);
      await copiesFollow(ROTATIONS);
      // Each copy was updated in place (one write at least per rotation); no reference was ever taken away.
      for (const ns of targets) {
        const writes = moduleWrites(
          e => e.stageTimestamp > rotating && e.objectRef?.namespace === ns,
        );
        const updates = writes.filter(
          e => e.objectRef?.resource === "secrets" && e.objectRef?.name === "ecr",
        );
        expect(updates.length).toBeGreaterThanOrEqual(ROTATIONS);
        expect(updates.every(e => e.verb === "update" || e.verb === "patch")).toBe(true);
        expect(writes.filter(e => e.objectRef?.resource === "serviceaccounts")).toEqual([]);
        expect(await pullsOf(ns, "default")).toEqual(["ecr"]);
      }
      const st = await status("cipsm", cm);
      expect(st.problems ?? []).toEqual([]);
      expect(st.namespaces).toBe(targets.length);
    } finally {
      await k(["delete", "cipsm", cm, "--ignore-not-found", "--wait=true", "--timeout=60s"]);
    }
  }, 180_000);
});
