// Corpus, part 4: source Secrets an existingSecretRef points at. A bad source is never a refusal (the manager
// is fine, the Secret is not): it is accepted and reported in status, and nothing is copied from it.
import { b64, SourceCase } from "./types";

const JSON_TYPE = "kubernetes.io/dockerconfigjson";
const CFG_TYPE = "kubernetes.io/dockercfg";
const json = (doc: string) => ({ type: JSON_TYPE, data: { ".dockerconfigjson": b64(doc) } });
const UNREADABLE = "does not hold a readable docker config for its type";
const wrongType = (type: string) => `has type ${type}; it must be ${JSON_TYPE} or ${CFG_TYPE}.`;

export const sourceCases: SourceCase[] = [
  {
    what: "it does not exist",
    outcome: {
      problem: "SourceSecretMissing",
      message: "The referenced Secret sources/src does not exist.",
    },
  },
  {
    what: "a dockerconfigjson that is not JSON",
    source: json("not json"),
    outcome: { problem: "SourceSecretInvalid", message: UNREADABLE },
  },
  {
    what: "a dockerconfigjson cut in the middle",
    source: json('{"auths":{"ghcr.io":'),
    outcome: { problem: "SourceSecretInvalid", message: UNREADABLE },
  },
  {
    what: "a value that is not base64",
    source: { type: JSON_TYPE, data: { ".dockerconfigjson": "%%% not base64 %%%" } },
    outcome: { problem: "SourceSecretInvalid", message: UNREADABLE },
  },
  {
    what: "an empty JSON object (no auths)",
    source: json("{}"),
    outcome: { problem: "SourceSecretInvalid", message: UNREADABLE },
    cluster: true,
  },
  {
    what: "auths is a string",
    source: json('{"auths":"ghcr.io"}'),
    outcome: { problem: "SourceSecretInvalid", message: UNREADABLE },
    cluster: true,
  },
  {
    what: "auths is a list",
    source: json('{"auths":[{"ghcr.io":{}}]}'),
    outcome: { problem: "SourceSecretInvalid", message: UNREADABLE },
    cluster: true,
  },
  {
    what: "auths is null",
    source: json('{"auths":null}'),
    outcome: { problem: "SourceSecretInvalid", message: UNREADABLE },
    cluster: true,
  },
  {
    what: "a JSON array",
    source: json("[1,2]"),
    outcome: { problem: "SourceSecretInvalid", message: UNREADABLE },
  },
  {
    what: "no data at all",
    source: { type: JSON_TYPE },
    outcome: { problem: "SourceSecretInvalid", message: UNREADABLE },
  },
  {
    what: "the dockercfg key on a dockerconfigjson Secret",
    source: { type: JSON_TYPE, data: { ".dockercfg": b64('{"ghcr.io":{}}') } },
    outcome: { problem: "SourceSecretInvalid", message: UNREADABLE },
  },
  {
    what: "a dockercfg with bad JSON",
    source: { type: CFG_TYPE, data: { ".dockercfg": b64("{ghcr.io: }") } },
    outcome: { problem: "SourceSecretInvalid", message: UNREADABLE },
  },
  {
    what: "type Opaque with a valid dockerconfigjson key",
    source: { type: "Opaque", data: json('{"auths":{"ghcr.io":{}}}').data },
    outcome: { problem: "SourceSecretInvalid", message: wrongType("Opaque") },
    cluster: true,
  },
  {
    what: "type kubernetes.io/tls",
    source: { type: "kubernetes.io/tls", data: { "tls.crt": b64("crt"), "tls.key": b64("key") } },
    outcome: { problem: "SourceSecretInvalid", message: wrongType("kubernetes.io/tls") },
    cluster: true,
  },
  {
    what: "type basic-auth",
    source: { type: "kubernetes.io/basic-auth", data: { username: b64("u"), password: b64("p") } },
    outcome: { problem: "SourceSecretInvalid", message: wrongType("kubernetes.io/basic-auth") },
    cluster: true,
  },
  {
    what: "no type (Opaque)",
    source: { data: { ".dockerconfigjson": b64('{"auths":{}}') } },
    outcome: { problem: "SourceSecretInvalid", message: wrongType("Opaque") },
  },
  {
    what: "a type with a trailing space",
    source: { type: `${JSON_TYPE} `, data: json('{"auths":{"ghcr.io":{}}}').data },
    outcome: { problem: "SourceSecretInvalid", message: `has type ${JSON_TYPE} ;` },
  },
  {
    what: "registry keys with quotes, unicode and a scheme (keys are only read, never trusted)",
    source: json('{"auths":{"GHCR.io\\"}":{},"https://Ünï.example/v2/":{},"docker.io":{}}}'),
    outcome: { registries: ['ghcr.io"}', "docker.io", "ünï.example"].sort() },
  },
  {
    what: "a valid dockercfg with extra keys",
    source: {
      type: CFG_TYPE,
      data: { ".dockercfg": b64('{"quay.io":{"auth":"eA=="}}'), token: b64("secret") },
    },
    outcome: { registries: ["quay.io"] },
  },
];
