// Corpus, part 2: hostile registry strings (quotes, newlines, JSON fragments, `..`, spaces, other schemes,
// unicode) and huge values. The CRD bounds only the registry's length, so its syntax is the webhook's job.
import { accepted, cipsm, ipsm, ManagerCase, MIB, NOT_A_REGISTRY, ok, withRegistry } from "./types";

const refusedRegistry = (value: string): ManagerCase["outcome"] => ({
  refused: `spec.secrets[0].registry ${JSON.stringify(value)} ${NOT_A_REGISTRY}`,
});
const byWebhook = (value: string) => ({
  webhook: `spec.secrets[0].registry ${JSON.stringify(value)} ${NOT_A_REGISTRY}`,
});
const bad = (what: string, value: string, cluster = true): ManagerCase =>
  ipsm(what, withRegistry(value), refusedRegistry(value), cluster ? byWebhook(value) : undefined);

export const registryCases: ManagerCase[] = [
  bad("registry with a double quote", 'ghcr.io"'),
  bad("registry closing the JSON document", 'ghcr.io"}'),
  bad("registry that is a JSON fragment", '","auths":{"evil.example":{}}', false),
  bad("registry with a newline", "ghcr.io\nevil.example"),
  bad("registry with a carriage return and tab", "ghcr.io\r\t", false),
  bad("registry with a trailing space", "ghcr.io ", false),
  bad("registry with an empty host label (..)", "registry..example.com", false),
  bad("registry with an ftp scheme", "ftp://ghcr.io", false),
  bad("registry with a file scheme", "file:///etc/passwd"),
  bad("registry that is a javascript: URL", "javascript:alert(1)", false),
  bad("registry with userinfo", "user:pass@ghcr.io"),
  bad("registry with port 0", "https://ghcr.io:0", false),
  bad("registry with port 65536", "ghcr.io:65536", false),
  bad("registry with a non-ASCII path", "ghcr.io/üser"),
  bad("registry with full-width letters", "ｇｈｃｒ.io", false),
  bad("registry that is an emoji", "🦄.example"),
  bad("registry with a space in its path", "ghcr.io/my org", false),
  ipsm(
    "registry path with .. segments (opaque path, accepted)",
    withRegistry("ghcr.io/../x"),
    accepted,
  ),
  ipsm("registry as a Docker Hub URL", withRegistry("https://index.docker.io/v1/"), accepted),
  ipsm("registry as an IPv6 literal with a port", withRegistry("[::1]:5000"), accepted),
  ipsm(
    "registry of 600 characters",
    withRegistry(`${"r".repeat(600)}.example`),
    { refused: `spec.secrets[0].registry "${"r".repeat(79)}… (610 characters) ${NOT_A_REGISTRY}` },
    { schema: "spec.secrets[0].registry: Too long" },
  ),
  ipsm(
    "password of 1 MiB",
    { secrets: [{ ...ok(), password: MIB }] },
    accepted, // validation never reads a password's length: the CRD bounds it
    { schema: "spec.secrets[0].password: Too long" },
  ),
  cipsm(
    "username of 2000 characters",
    { secrets: [{ ...ok(), username: "u".repeat(2000) }] },
    accepted,
    { schema: "spec.secrets[0].username: Too long" },
  ),
  ipsm("51 entries", { secrets: Array.from({ length: 51 }, (_, i) => ok(`s${i}`)) }, accepted, {
    schema: "spec.secrets: Too many",
  }),
  ipsm(
    "unicode and emoji credentials (accepted: they are JSON-escaped in the Secret)",
    { secrets: [{ ...ok(), username: "ユーザー", password: 'пароль🔑"}\n', email: "ü@ex.ample" }] },
    accepted,
  ),
];
