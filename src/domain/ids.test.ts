import {
  buildManagerId,
  buildManagerKey,
  buildOwnerRef,
  isLabelValue,
  isLegacyManagerId,
  parseManagerKey,
} from "./ids";
import type { ManagerRef } from "./model";

const ns = (name: string, namespace: string): ManagerRef => ({
  kind: "ImagePullSecretManager",
  name,
  namespace,
});
const cl = (name: string): ManagerRef => ({ kind: "ClusterImagePullSecretManager", name });
const a60 = "a".repeat(60);
const b60 = "b".repeat(60);

describe("buildManagerId", () => {
  it.each([
    [ns("pull", "team-a"), "ipsm.team-a.pull"],
    [cl("global"), "cipsm.global"],
    [cl("with.dots"), "cipsm.with.dots"],
    [ns(a60, "ns"), "ipsm_d67121052384f9941782f2229ba7cbe6e2f945fb"],
    [cl(b60), "cipsm_60f36bfa459310166416643a3604969494cbb692"],
  ])("%o -> %s", (m, id) => {
    expect(buildManagerId(m)).toBe(id);
    expect(isLabelValue(buildManagerId(m))).toBe(true);
  });

  it("uses the readable form up to exactly 63 characters", () => {
    const name = "n".repeat(63 - "ipsm.ns.".length);
    expect(buildManagerId(ns(name, "ns"))).toBe(`ipsm.ns.${name}`);
    expect(buildManagerId(ns(`${name}x`, "ns"))).toMatch(/^ipsm_[0-9a-f]{40}$/);
  });

  it("is deterministic and distinguishes kind, namespace and name", () => {
    const ids = [ns(a60, "x"), ns(a60, "y"), ns(`${a60}c`, "x"), cl(a60)].map(buildManagerId);
    expect(new Set(ids).size).toBe(4);
    expect(buildManagerId(ns(a60, "x"))).toBe(ids[0]);
  });
});

describe("buildManagerId: readable and hashed ids are disjoint", () => {
  // The old hashed id of cl(b60) was `cipsm.h<digest>`: exactly the readable id of a manager named `h<digest>`.
  const digest = "60f36bfa459310166416643a3604969494cbb692";

  it("a manager named h<40 hex> and the long-named manager with that hash get different ids", () => {
    expect(buildManagerId(cl(`h${digest}`))).toBe(`cipsm.h${digest}`);
    expect(buildManagerId(cl(b60))).not.toBe(buildManagerId(cl(`h${digest}`)));
  });

  it.each<[string, ManagerRef, RegExp]>([
    ["readable cluster id", cl(`h${digest}`), /^cipsm\.[a-z0-9.-]+$/],
    ["readable dotted cluster id", cl("a.b-c.d"), /^cipsm\.[a-z0-9.-]+$/],
    ["readable namespaced id", ns(`h${digest}`, "h"), /^ipsm\.[a-z0-9.-]+$/],
    ["hashed cluster id", cl(b60), /^cipsm_[0-9a-f]{40}$/],
    ["hashed namespaced id", ns(a60, "ns"), /^ipsm_[0-9a-f]{40}$/],
  ])("%s: readable ids start with <prefix>. and have no '_', hashed ones <prefix>_", (_, m, form) =>
    expect(buildManagerId(m)).toMatch(form),
  );
});

describe("isLegacyManagerId", () => {
  it.each<[string, ManagerRef, string, boolean]>([
    [
      "old hashed id of a long cluster name",
      cl(b60),
      "cipsm.h60f36bfa459310166416643a3604969494cbb692",
      true,
    ],
    [
      "old hashed id of a long namespaced name",
      ns(a60, "ns"),
      "ipsm.hd67121052384f9941782f2229ba7cbe6e2f945fb",
      true,
    ],
    [
      "the current id is not legacy",
      cl(b60),
      "cipsm_60f36bfa459310166416643a3604969494cbb692",
      false,
    ],
    [
      "another manager's old hashed id",
      cl(`${b60}x`),
      "cipsm.h60f36bfa459310166416643a3604969494cbb692",
      false,
    ],
    [
      "a readable id never changed",
      cl("h60f36bfa459310166416643a3604969494cbb692"),
      "cipsm.h60f36bfa459310166416643a3604969494cbb692",
      false,
    ],
    ["a short name had no hashed id", cl("global"), "cipsm.global", false],
  ])("%s", (_, m, value, legacy) => expect(isLegacyManagerId(m, value)).toBe(legacy));
});

describe("isLabelValue", () => {
  it.each([
    ["a", true],
    ["a-b_c.d", true],
    ["-a", false],
    ["a.", false],
    ["a/b", false],
    ["x".repeat(63), true],
    ["x".repeat(64), false],
  ])("%s -> %s", (value, ok) => expect(isLabelValue(value)).toBe(ok));
});

describe("buildOwnerRef and buildManagerKey", () => {
  it.each([
    [
      ns("pull", "team-a"),
      "ImagePullSecretManager/team-a/pull",
      "ImagePullSecretManager/team-a/pull",
    ],
    [cl("global"), "ClusterImagePullSecretManager/global", "ClusterImagePullSecretManager//global"],
  ])("%o", (m, owner, key) => {
    expect(buildOwnerRef(m)).toBe(owner);
    expect(buildManagerKey(m)).toBe(key);
    expect(parseManagerKey(key)).toEqual(m);
  });
});

describe("parseManagerKey", () => {
  it.each([
    "ImagePullSecretManager//pull",
    "ClusterImagePullSecretManager/ns/global",
    "Secret/ns/name",
    "ImagePullSecretManager/ns/",
    "ImagePullSecretManager/ns/a/b",
    "",
  ])("rejects %j", key => expect(parseManagerKey(key)).toBeUndefined());
});
