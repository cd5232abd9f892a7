// The scenarios the as-deployed run repeats with each pair of module processes: the seed example, a cluster
// fan-out, Pod mode (with a stuck Pod recreated), rotation and cleanup. Each records the credentials it used.
import { join } from "node:path";
import { REPO } from "../harness/module";
import {
  apply,
  createPullSecret,
  decodeDockerConfig,
  eventually,
  getOrUndefined,
  k,
  kJson,
  manager,
  names,
  newNamespace,
  pullsOf,
  status,
  uid,
  waitGone,
} from "../integration/helpers";
import { IMAGE, podsOf, setPodStatus } from "../integration/pod-status";
import { forms } from "./checks";

const USER = "deployed-user";

export class Credentials {
  readonly all: string[] = [];
  /** A new password, recorded with the forms it can take (see forms()). */
  password(tag: string): string {
    const p = `${tag}-${uid()}${uid()}${uid()}`;
    this.all.push(...forms(USER, p));
    return p;
  }
  /** A Secret Cheiron wrote: its .dockerconfigjson as stored (base64), whole and its first 40 characters. */
  async secret(ns: string, name: string) {
    const s = await kJson(["get", "secret", name, "-n", ns]);
    const data: string = s.data[".dockerconfigjson"];
    this.all.push(data, data.slice(0, 40));
    return s;
  }
}

const entry = (name: string, password: string, registry = "ghcr.io") => ({
  name,
  registry,
  username: USER,
  password,
});

export async function seedExample(c: Credentials) {
  const ns = await newNamespace("seed");
  const gitlab = c.password("gitlab");
  expect((await createPullSecret(ns, "gitlab-registry", "registry.gitlab.com", gitlab)).code).toBe(
    0,
  );
  c.all.push(...forms("u", gitlab));
  c.all.push("<my-docker-password>", "<my-github-access-token>");
  expect((await k(["apply", "-n", ns, "-f", join(REPO, "samples/seed-example.yaml")])).code).toBe(
    0,
  );
  await eventually(async () => {
    const pulls = await pullsOf(ns, "default");
    expect(pulls).toEqual(
      expect.arrayContaining(["docker-hub", "github-container-registry", "gitlab-registry"]),
    );
  }, 60_000);
  await c.secret(ns, "docker-hub");
  await c.secret(ns, "gitlab-registry");
  // The validating webhook, called through the Service: a manager the CRD accepts but the module refuses.
  const refused = await k(["apply", "-n", ns, "-f", "-"], {
    input: manager("ImagePullSecretManager", "bad", {
      secrets: [entry("bad", c.password("refused"), "ftp://x")],
    }),
    allowFail: true,
  });
  expect(refused.stderr).toMatch(/admission webhook .* denied the request/);
  return ns;
}

export async function clusterFanOut(c: Credentials) {
  const set = uid();
  const label = { "cheiron-deployed/set": set };
  const namespaces = [await newNamespace("fan", label), await newNamespace("fan", label)];
  const spec = (password: string) => ({
    namespaceSelector: { matchLabels: label },
    secrets: [entry("fan", password)],
  });
  const name = `fan-${set}`;
  await apply(manager("ClusterImagePullSecretManager", name, spec(c.password("fan"))));
  for (const ns of namespaces)
    await eventually(async () => expect(await pullsOf(ns, "default")).toEqual(["fan"]), 60_000);
  // A namespace that appears later: its ServiceAccounts are admitted with the reference (the mutating webhook).
  const late = await newNamespace("fan", label);
  namespaces.push(late);
  await eventually(() => kJson(["get", "secret", "fan", "-n", late]), 60_000);
  const created = JSON.parse(
    (await k(["create", "sa", "builder", "-n", late, "-o", "json"])).stdout,
  );
  expect(names(created.imagePullSecrets)).toEqual(["fan"]);
  // Rotation: a new password reaches the Secret in every namespace.
  const rotated = c.password("rotated");
  await apply(manager("ClusterImagePullSecretManager", name, spec(rotated)));
  for (const ns of namespaces)
    await eventually(async () => {
      const auths = decodeDockerConfig(await c.secret(ns, "fan")).auths;
      expect(auths["ghcr.io"].password).toBe(rotated);
    }, 60_000);
  return { name, namespaces };
}

export async function podMode(c: Credentials) {
  const ns = await newNamespace("pods");
  await eventually(() => kJson(["get", "sa", "default", "-n", ns]), 60_000);
  // A Pod created before the credentials by a ReplicaSet (the real replicaset controller runs), stuck.
  const labels = { app: "web" };
  const rsSpec = {
    replicas: 1,
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name: "app", image: IMAGE }] } },
  };
  await apply(
    JSON.stringify({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "web" },
      spec: rsSpec,
    }),
    ns,
  );
  const [stuck] = await podsOf(ns, "web");
  expect(stuck.spec.imagePullSecrets).toBeUndefined();
  await setPodStatus(ns, stuck.metadata.name, "ErrImagePull");
  const spec = {
    mode: "Pod",
    recreateStuckPods: true,
    secrets: [entry("pod-pull", c.password("pod"))],
  };
  await apply(manager("ImagePullSecretManager", "pods", spec), ns);
  await eventually(() => c.secret(ns, "pod-pull"), 60_000);
  await waitGone(["pod", stuck.metadata.name, "-n", ns], 60_000);
  // Its replacement, made by the ReplicaSet after Cheiron deleted it, was admitted with the Secret.
  const [replacement] = await podsOf(ns, "web");
  expect(names(replacement.spec.imagePullSecrets)).toEqual(["pod-pull"]);
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "app" },
    spec: { containers: [{ name: "app", image: IMAGE }] },
  };
  const created = JSON.parse(
    (await k(["create", "-n", ns, "-o", "json", "-f", "-"], { input: JSON.stringify(pod) })).stdout,
  );
  expect(names(created.spec.imagePullSecrets)).toEqual(["pod-pull"]);
  await k(["label", "ns", ns, `recount=${uid()}`]);
  await eventually(async () => expect((await status("ipsm", "pods", ns)).pods).toBe(2), 60_000);
  return ns;
}

/** Deletes the managers; what Cheiron wrote goes, what users wrote stays. */
export async function cleanup(
  seedNs: string,
  fan: { name: string; namespaces: string[] },
  podNs: string,
) {
  await k(["delete", "cipsm", fan.name, "--wait=true", "--timeout=60s"]);
  await k(["delete", "ipsm", "my-registry", "-n", seedNs, "--wait=true", "--timeout=60s"]);
  await k(["delete", "ipsm", "pods", "-n", podNs, "--wait=true", "--timeout=60s"]);
  for (const ns of fan.namespaces) {
    await waitGone(["secret", "fan", "-n", ns]);
    await eventually(async () => expect(await pullsOf(ns, "default")).toEqual([]));
  }
  await waitGone(["secret", "docker-hub", "-n", seedNs]);
  await waitGone(["secret", "pod-pull", "-n", podNs]);
  expect(await getOrUndefined(["get", "secret", "gitlab-registry", "-n", seedNs])).toBeDefined();
  await eventually(async () => expect(await pullsOf(seedNs, "default")).toEqual([]));
}
