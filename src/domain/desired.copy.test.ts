// A cluster copy carries only the registry key of its source Secret, whatever else the source holds.
import { buildDesiredSecrets } from "./desired";
import { buildContentHash } from "./dockerconfig";
import type { SourceSecret } from "./model";
import {
  b64,
  CFG_TYPE,
  clusterManager,
  JSON_TYPE,
  ref,
  source,
} from "../../test/unit/helpers/fixtures";

const extra = { token: b64("SECRETDATA"), "ca.crt": b64("cert") };
const withExtra = (type: string, more: Record<string, string>): SourceSecret => {
  const s = source("infra", "pull", type);
  return { ...s, data: { ...s.data, ...more } };
};
const copyOf = (s: SourceSecret) =>
  buildDesiredSecrets(clusterManager("c", { secrets: [ref("pull", "infra")] }), ["a"], [s])
    .secrets[0];

describe("buildDesiredSecrets: a copy holds only the registry key", () => {
  it.each<[string, string, Record<string, string>, string]>([
    ["dockerconfigjson with unrelated keys", JSON_TYPE, extra, ".dockerconfigjson"],
    [
      "dockerconfigjson with a .dockercfg key too",
      JSON_TYPE,
      { ".dockercfg": b64("{}"), ...extra },
      ".dockerconfigjson",
    ],
    ["dockercfg with unrelated keys", CFG_TYPE, extra, ".dockercfg"],
    [
      "dockercfg with a .dockerconfigjson key too",
      CFG_TYPE,
      { ".dockerconfigjson": b64('{"auths":{}}'), ...extra },
      ".dockercfg",
    ],
    ["only the registry key", JSON_TYPE, {}, ".dockerconfigjson"],
  ])("%s", (_, type, more, key) => {
    const s = withExtra(type, more);
    const copy = copyOf(s);
    expect(copy.type).toBe(type);
    expect(copy.data).toEqual({ [key]: s.data?.[key] });
    expect(copy.hash).toBe(buildContentHash(type, { [key]: s.data?.[key] ?? "" }));
  });

  it("gives the same hash whatever extra keys the source has", () => {
    const plain = copyOf(source("infra", "pull"));
    expect(copyOf(withExtra(JSON_TYPE, extra)).hash).toBe(plain.hash);
  });

  it("never carries an extra key's value", () => {
    const copy = copyOf(withExtra(CFG_TYPE, extra));
    expect(JSON.stringify(copy)).not.toContain(extra.token);
  });
});
