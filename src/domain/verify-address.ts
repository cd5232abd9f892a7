// Credential health (spec.verify): which IP addresses the watcher may contact for a check. Pure: src/k8s/
// registry-check-address.ts resolves a host, asks decideAddress about every address and connects to a checked one.
// Addresses are compared as 16 bytes; IPv4 is held IPv4-mapped (::ffff:a.b.c.d), and an IPv4 address inside IPv6
// (IPv4-mapped, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96) is judged as that IPv4 address.

/** loopback, link-local, unspecified, multicast and reserved are never contacted (short of the CIDR allow-list). */
export type AddressClass =
  | "loopback"
  | "link-local"
  | "unspecified"
  | "multicast"
  | "reserved"
  | "private"
  | "public";

export interface Cidr {
  bytes: number[];
  bits: number;
}

export interface AddressPolicy {
  /** Private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, fec0::/10) may be contacted. */
  allowPrivate: boolean;
  /** Addresses the operator allows whatever their class (CHEIRON_VERIFY_ALLOW_CIDRS). */
  allowCidrs: Cidr[];
}

export type AddressDecision = { allowed: true } | { allowed: false; class: AddressClass };

const MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
const NAT64 = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
const ZERO12 = new Array<number>(12).fill(0);

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every(p => /^(0|[1-9]\d{0,2})$/.test(p))) return undefined;
  const bytes = parts.map(Number);
  return bytes.every(b => b <= 255) ? bytes : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  let s = text.replace(/%.*$/, "");
  const last = s.lastIndexOf(":");
  if (s.slice(last + 1).includes(".")) {
    const v4 = parseIpv4(s.slice(last + 1));
    if (!v4) return undefined;
    s = `${s.slice(0, last + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [
    ...head,
    ...new Array<string>(halves.length === 2 ? missing : 0).fill("0"),
    ...tail,
  ];
  if (!groups.every(g => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.flatMap(g => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
}

const startsWith = (bytes: number[], prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

/**
 * An IP address as 16 bytes, an IPv4 address (also one embedded in IPv6) IPv4-mapped; undefined for anything
 * but an IPv4 dotted quad or an IPv6 address (brackets and a zone allowed).
 */
export function parseIp(text: string): number[] | undefined {
  const bare = text.trim().replace(/^\[(.*)\]$/, "$1");
  const v4 = parseIpv4(bare);
  if (v4) return [...MAPPED, ...v4];
  const v6 = bare.includes(":") ? parseIpv6(bare) : undefined;
  if (!v6) return undefined;
  const low = v6.slice(12);
  const embedsV4 =
    startsWith(v6, NAT64) ||
    (startsWith(v6, ZERO12) && (low[0] !== 0 || low[1] !== 0 || low[2] !== 0)); // ::a.b.c.d, not :: or ::1
  return embedsV4 ? [...MAPPED, ...low] : v6;
}

const v4 = (a: number, b: number, c: number, d: number, bits: number): Cidr => ({
  bytes: [...MAPPED, a, b, c, d],
  bits: 96 + bits,
});
const v6 = (head: number[], bits: number): Cidr => ({
  bytes: [...head, ...new Array<number>(16 - head.length).fill(0)],
  bits,
});

/** The special ranges, most specific first; whatever matches none is public. */
const RANGES: [Cidr, AddressClass][] = [
  [v4(0, 0, 0, 0, 8), "unspecified"],
  [v4(127, 0, 0, 0, 8), "loopback"],
  [v4(169, 254, 0, 0, 16), "link-local"],
  [v4(10, 0, 0, 0, 8), "private"],
  [v4(172, 16, 0, 0, 12), "private"],
  [v4(192, 168, 0, 0, 16), "private"],
  [v4(100, 64, 0, 0, 10), "private"],
  [v4(224, 0, 0, 0, 4), "multicast"],
  [v4(240, 0, 0, 0, 4), "reserved"],
  [v6([], 128), "unspecified"],
  [v6([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128), "loopback"],
  [v6(ZERO12, 96), "reserved"], // ::a.b.c.d with a.b.c.d < 0.0.1.0: no IPv4 address, and not routed
  [v6([0xfe, 0x80], 10), "link-local"],
  [v6([0xfe, 0xc0], 10), "private"],
  [v6([0xfc], 7), "private"],
  [v6([0xff], 8), "multicast"],
];

export function isInCidr(ip: number[], cidr: Cidr): boolean {
  for (let bit = 0; bit < cidr.bits; bit += 8) {
    const mask = cidr.bits - bit >= 8 ? 0xff : (0xff << (8 - (cidr.bits - bit))) & 0xff;
    if ((ip[bit / 8] & mask) !== (cidr.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

/** The class of an IP address (as parseIp reads it), or undefined when it is not one. */
export function classifyAddress(text: string): AddressClass | undefined {
  const ip = parseIp(text);
  if (!ip) return undefined;
  return RANGES.find(([cidr]) => isInCidr(ip, cidr))?.[1] ?? "public";
}

/**
 * CIDRs from a comma- or space-separated list (`127.0.0.1/32, fd00::/8`; a bare address is a /32 or /128).
 * Entries that do not parse are left out.
 */
export function parseCidrs(text: string | undefined): Cidr[] {
  return (text ?? "").split(/[\s,]+/).flatMap(entry => {
    const [addr, bits, ...rest] = entry.split("/");
    const ip = addr ? parseIp(addr) : undefined;
    if (!ip || rest.length > 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return [];
    const isV4 = !addr.includes(":");
    const n = bits === undefined ? 128 : Number(bits) + (isV4 ? 96 : 0);
    return n <= 128 && (!isV4 || n >= 96) ? [{ bytes: ip, bits: n }] : [];
  });
}

/**
 * Whether the watcher may contact an address for a credential check: an address in the operator's CIDR allow-list
 * always; else a public one always, a private one when the policy allows private ranges, any other never. Text
 * that is no IP address is refused (class "reserved").
 */
export function decideAddress(text: string, policy: AddressPolicy): AddressDecision {
  const ip = parseIp(text);
  if (!ip) return { allowed: false, class: "reserved" };
  if (policy.allowCidrs.some(c => isInCidr(ip, c))) return { allowed: true };
  const cls = classifyAddress(text)!;
  if (cls === "public" || (cls === "private" && policy.allowPrivate)) return { allowed: true };
  return { allowed: false, class: cls };
}
