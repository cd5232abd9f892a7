// Name and registry syntax shared by validation and desired-state computation. Pure.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]+\]$/;
const URL_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

export const SECRET_NAME_HINT =
  "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters";
export const NAMESPACE_HINT =
  "use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

/** A placeholder from the README example, such as `<my-registry>`: accepted, and reported until replaced. */
export function isPlaceholderName(name: string): boolean {
  return name.length >= 2 && name.startsWith("<") && name.endsWith(">");
}

/** A DNS-1123 subdomain: the form of Secret and ServiceAccount names. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

/** A DNS-1123 label: the form of namespace names. */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

function isHostPort(value: string): boolean {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(value);
  if (!match) return false;
  const [, host, port] = match;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  if (IPV6_LITERAL.test(host)) return true;
  return (
    host.length > 0 && host.length <= 253 && host.split(".").every(label => HOST_LABEL.test(label))
  );
}

/**
 * A registry as Docker's config.json keys it: a host (`ghcr.io`), host:port (`localhost:5000`), either followed by
 * an optional path, or an http(s) URL (`https://index.docker.io/v1/`).
 */
export function isRegistry(value: string): boolean {
  let rest = value;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (scheme) {
    if (!/^https?$/i.test(scheme[1])) return false;
    rest = value.slice(scheme[0].length);
  }
  const slash = rest.indexOf("/");
  const hostPort = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? "" : rest.slice(slash);
  return isHostPort(hostPort) && (path === "" || URL_PATH.test(path));
}

/**
 * A registry (auth key) as it may be reported in status, Events and logs: without userinfo, so that
 * `https://user:token@host/v1/` reads `https://host/v1/`. Everything from after the scheme up to the last `@` is
 * dropped (a token may hold `/` or `@`); a key without `@` stays as written.
 */
export function buildReportedRegistry(registry: string): string {
  const at = registry.lastIndexOf("@");
  if (at < 0) return registry;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(registry)?.[0] ?? "";
  return scheme + registry.slice(at + 1);
}
