import type { SecretEntry } from "../api/types";
import { buildDesiredSecrets } from "./desired";
import type { Manager } from "./model";
import {
  b64,
  CFG_TYPE,
  clusterManager,
  hubEntry,
  JSON_TYPE,
  namespacedManager,
  ref,
  sources,
  unb64,
} from "../../test/unit/helpers/fixtures";

const names = (m: Manager, targets: string[]) =>
  buildDesiredSecrets(m, targets, sources).secrets.map(s => `${s.namespace}/${s.name}`);
const reasons = (m: Manager) =>
  buildDesiredSecrets(m, ["team-a"], sources).problems.map(
    p => `${p.namespace}/${p.secret}:${p.reason}`,
  );

describe("buildDesiredSecrets: inline entries", () => {
  it("builds an inline entry's data once: every namespace's run gets the same object and hash", () => {
    const m = namespacedManager("m", "team-a", { secrets: [hubEntry] });
    const [a] = buildDesiredSecrets(m, ["team-a"], []).secrets;
    const [b] = buildDesiredSecrets(m, ["team-a"], []).secrets;
    expect(b.data).toBe(a.data);
    expect(b.hash).toBe(a.hash);
    const other = namespacedManager("m", "team-a", { secrets: [{ ...hubEntry, password: "new" }] });
    const [c] = buildDesiredSecrets(other, ["team-a"], []).secrets;
    expect(c.hash).not.toBe(a.hash); // other credentials: other data
  });

  it("builds a dockerconfigjson Secret with hash, manager id, owner and registry", () => {
    const m = namespacedManager("m", "team-a", { secrets: [hubEntry] });
    const { secrets, problems } = buildDesiredSecrets(m, ["team-a"], []);
    expect(problems).toEqual([]);
    expect(secrets).toHaveLength(1);
    const [s] = secrets;
    expect(s).toMatchObject({
      namespace: "team-a",
      name: "hub",
      type: JSON_TYPE,
      managerId: "ipsm.team-a.m",
      owner: "ImagePullSecretManager/team-a/m",
      registries: ["docker.io"],
    });
    expect(Object.keys(s.data)).toEqual([".dockerconfigjson"]);
    expect(JSON.parse(unb64(s.data[".dockerconfigjson"]))).toEqual({
      auths: {
        "https://index.docker.io/v1/": { username: "u", password: "s3cr3t", auth: b64("u:s3cr3t") },
      },
    });
    expect(s.hash).toMatch(/^[0-9a-f]{32}$/);
  });

  it("gives the same hash for the same content and a different one for other content", () => {
    const one = (e: SecretEntry) =>
      buildDesiredSecrets(clusterManager("c", { secrets: [e] }), ["a", "b"], []).secrets;
    const [a, b] = one(hubEntry);
    expect(a.hash).toBe(b.hash);
    expect(one({ ...hubEntry, password: "other" })[0].hash).not.toBe(a.hash);
  });
});

describe("buildDesiredSecrets: which Secrets", () => {
  it.each<[string, Manager, string[], string[]]>([
    [
      "namespaced inline",
      namespacedManager("m", "team-a", { secrets: [hubEntry] }),
      ["team-a"],
      ["team-a/hub"],
    ],
    ["no targets", namespacedManager("m", "team-a", { secrets: [hubEntry] }), [], []],
    [
      "namespaced existing ref",
      namespacedManager("m", "team-a", { secrets: [ref("shared")] }),
      ["team-a"],
      [],
    ],
    [
      "cluster inline",
      clusterManager("c", { secrets: [hubEntry] }),
      ["a", "b"],
      ["a/hub", "b/hub"],
    ],
    [
      "cluster copy skips itself",
      clusterManager("c", { secrets: [ref("pull", "infra")] }),
      ["a", "infra"],
      ["a/pull"],
    ],
    [
      "cluster copy renamed",
      clusterManager("c", { secrets: [ref("pull", "infra", "mirror")] }),
      ["a", "infra"],
      ["a/mirror", "infra/mirror"],
    ],
    [
      "cluster copy of missing source",
      clusterManager("c", { secrets: [ref("gone", "infra")] }),
      ["a", "b"],
      [],
    ],
    [
      "first entry wins a name",
      clusterManager("c", {
        secrets: [hubEntry, ref("pull", "infra", "hub"), { ...hubEntry, registry: "quay.io" }],
      }),
      ["a"],
      ["a/hub"],
    ],
  ])("%s", (_, m, targets, expected) => expect(names(m, targets)).toEqual(expected));

  it("copies the source's type, data and registries", () => {
    const m = clusterManager("c", { secrets: [ref("legacy", "infra")] });
    const [copy] = buildDesiredSecrets(m, ["a"], sources).secrets;
    expect(copy).toMatchObject({ type: CFG_TYPE, data: sources[2].data, registries: ["quay.io"] });
    expect(copy).toMatchObject({ managerId: "cipsm.c", owner: "ClusterImagePullSecretManager/c" });
  });
});

describe("buildDesiredSecrets: problems", () => {
  it.each<[string, Manager, string[]]>([
    ["valid reference", namespacedManager("m", "team-a", { secrets: [ref("shared")] }), []],
    [
      "missing",
      namespacedManager("m", "team-a", { secrets: [ref("gone")] }),
      ["team-a/gone:SourceSecretMissing"],
    ],
    [
      "placeholder ref",
      namespacedManager("m", "team-a", { secrets: [ref("<name>")] }),
      ["team-a/<name>:PlaceholderReference"],
    ],
    [
      "placeholder inline name",
      namespacedManager("m", "team-a", { secrets: [{ ...hubEntry, name: "<secret>" }] }),
      ["team-a/<secret>:PlaceholderReference"],
    ],
    [
      "cluster wrong type",
      clusterManager("c", { secrets: [ref("opaque", "infra")] }),
      ["infra/opaque:SourceSecretInvalid"],
    ],
    [
      "cluster unreadable",
      clusterManager("c", { secrets: [ref("broken", "infra")] }),
      ["infra/broken:SourceSecretInvalid"],
    ],
    [
      "one problem per source",
      clusterManager("c", { secrets: [ref("gone", "infra"), ref("gone", "infra", "again")] }),
      ["infra/gone:SourceSecretMissing"],
    ],
  ])("%s", (_, m, expected) => expect(reasons(m)).toEqual(expected));

  it("writes sentences without credential values", () => {
    const m = clusterManager("c", {
      secrets: [hubEntry, ref("opaque", "infra"), ref("broken", "infra"), ref("gone", "infra")],
    });
    const { problems } = buildDesiredSecrets(m, ["a", "b"], sources);
    expect(problems).toHaveLength(3);
    for (const p of problems) {
      expect(p.message).toMatch(/^The .+\.$/);
      expect(p.message).not.toMatch(/s3cr3t|SECRETDATA|bm9wZQ/);
    }
  });
});
