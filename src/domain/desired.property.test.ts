// buildDesiredSecrets over random specs that pass validation (hostile credentials: quotes, newlines, JSON
// fragments, unicode) and random source Secrets (valid, not JSON, not base64, wrong type): it never throws, every
// dockerconfigjson it builds parses and holds exactly the entry's registry, and copies carry only the registry key.
import fc from "fast-check";
import type { SecretEntry } from "../api/types";
import { SECRET_TYPE_DOCKERCFG, SECRET_TYPE_DOCKERCONFIGJSON } from "../constants";
import { buildDesiredSecrets } from "./desired";
import { buildAuthKey, parseDockerConfigRegistries } from "./dockerconfig";
import type { Manager, SourceSecret } from "./model";
import { clusterManager, namespacedManager } from "../../test/unit/helpers/fixtures";
import { RUNS } from "../../test/unit/helpers/arbitraries";
import { validateManager } from "./validate";

const hostile = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
  fc.constantFrom('"}', '","auths":{"evil":{}}', "a\nb", "\\", "ü🦄", ":", "x".repeat(9000)),
);
const hostLabel = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?$/);
const registry = fc
  .record({
    scheme: fc.constantFrom("", "http://", "https://", "HTTPS://"),
    host: fc.oneof(
      fc.array(hostLabel, { minLength: 1, maxLength: 3 }).map(l => l.join(".")),
      fc.constantFrom("docker.io", "index.docker.io", "[::1]", "registry-1.docker.io"),
    ),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    path: fc.constantFrom("", "/", "/v1/", "/v2", "/org/team", "/a'b"),
  })
  .map(r => `${r.scheme}${r.host}${r.port !== undefined ? `:${r.port}` : ""}${r.path}`);
const secretName = fc.constantFrom("a", "b", "c", "pull.secret", "z-1");

const inline: fc.Arbitrary<SecretEntry> = fc.record(
  { name: secretName, registry, username: hostile, password: hostile, email: hostile },
  { requiredKeys: ["name", "registry", "username", "password"] },
);
const ref = (cluster: boolean): fc.Arbitrary<SecretEntry> =>
  fc.record(
    {
      name: secretName,
      existingSecretRef: fc.record({
        name: fc.constantFrom("src", "other", "<placeholder>"),
        ...(cluster ? { namespace: fc.constantFrom("sources", "n1") } : {}),
      }),
    },
    { requiredKeys: cluster ? ["existingSecretRef"] : [] },
  ) as fc.Arbitrary<SecretEntry>;

const manager = fc
  .boolean()
  .chain(cluster =>
    fc
      .array(fc.oneof(inline, ref(cluster)), { minLength: 1, maxLength: 4 })
      .map(secrets =>
        cluster ? clusterManager("c", { secrets }) : namespacedManager("m", "n1", { secrets }),
      ),
  );

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const payload = fc.oneof(
  fc.constantFrom(
    b64(JSON.stringify({ auths: { "ghcr.io": { auth: "eA==" }, "quay.io:443": {} } })),
    b64("not json"),
    b64('{"auths": "x"}'),
    "%%% not base64 %%%",
    "",
  ),
  fc.string().map(b64),
);
const sourceSecret: fc.Arbitrary<SourceSecret> = fc.record(
  {
    namespace: fc.constantFrom("sources", "n1"),
    name: fc.constantFrom("src", "other"),
    type: fc.constantFrom(
      SECRET_TYPE_DOCKERCONFIGJSON,
      SECRET_TYPE_DOCKERCFG,
      "Opaque",
      "kubernetes.io/tls",
    ),
    data: fc.record(
      { ".dockerconfigjson": payload, ".dockercfg": payload, other: payload },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ["namespace", "name"] },
);

const valid = (m: Manager) => validateManager(m.kind, m.spec).errors.length === 0;
const decode = (v: string | undefined) =>
  JSON.parse(Buffer.from(v ?? "", "base64").toString("utf8"));

describe("buildDesiredSecrets (property)", () => {
  it("never throws, and every dockerconfigjson it builds parses and holds exactly its entry's registry", () =>
    fc.assert(
      fc.property(
        manager,
        fc.array(sourceSecret, { maxLength: 4 }),
        fc.subarray(["n1", "n2", "sources"]),
        (m, sources, targets) => {
          fc.pre(valid(m));
          const { secrets, problems } = buildDesiredSecrets(m, targets, sources);
          for (const p of problems) expect(p.message).toMatch(/\.$/);
          for (const d of secrets) {
            const entry = (m.spec.secrets ?? []).find(
              e => e.registry !== undefined && e.name === d.name,
            );
            if (entry) {
              const doc = decode(d.data[".dockerconfigjson"]);
              expect(Object.keys(doc)).toEqual(["auths"]);
              expect(Object.keys(doc.auths)).toEqual([buildAuthKey(entry.registry!)]);
              const auth = doc.auths[buildAuthKey(entry.registry!)];
              expect([auth.username, auth.password]).toEqual([entry.username, entry.password]);
              expect(Buffer.from(auth.auth, "base64").toString("utf8")).toBe(
                `${entry.username}:${entry.password}`,
              );
            } else {
              // A copy: only the registry key of its type, and its registries those of the source.
              const keyOf = d.type === SECRET_TYPE_DOCKERCFG ? ".dockercfg" : ".dockerconfigjson";
              expect(Object.keys(d.data)).toEqual([keyOf]);
            }
            expect(parseDockerConfigRegistries(d.type, d.data)).toEqual(d.registries);
          }
        },
      ),
      RUNS,
    ));

  it("makes one Secret per distinct name and target namespace", () =>
    fc.assert(
      fc.property(manager, fc.array(sourceSecret, { maxLength: 4 }), (m, sources) => {
        fc.pre(valid(m));
        const { secrets } = buildDesiredSecrets(m, ["n1", "n2"], sources);
        const keys = secrets.map(d => `${d.namespace}/${d.name}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      RUNS,
    ));
});
