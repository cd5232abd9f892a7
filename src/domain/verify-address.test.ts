import {
  AddressClass,
  classifyAddress,
  decideAddress,
  parseCidrs,
  parseIp,
} from "./verify-address";

describe("classifyAddress", () => {
  it.each<[string, AddressClass | undefined]>([
    ["8.8.8.8", "public"],
    ["93.184.216.34", "public"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["169.254.169.254", "link-local"],
    ["169.254.0.1", "link-local"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["172.15.255.255", "public"],
    ["192.168.1.1", "private"],
    ["192.169.0.1", "public"],
    ["100.64.0.1", "private"],
    ["100.127.255.255", "private"],
    ["100.128.0.1", "public"],
    ["100.100.100.200", "private"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["fc00::1", "private"],
    ["fd00:ec2::254", "private"],
    ["fec0::1", "private"],
    ["ff02::1", "multicast"],
    ["2001:4860:4860::8888", "public"],
    ["2606:4700::1111", "public"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::ffff:a9fe:a9fe", "link-local"],
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:8.8.8.8", "public"],
    ["::ffff:0.0.0.0", "unspecified"],
    ["::127.0.0.1", "loopback"],
    ["::2", "reserved"],
    ["64:ff9b::169.254.169.254", "link-local"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["64:ff9b::8.8.8.8", "public"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["localhost", undefined],
    ["registry.example.com", undefined],
    ["1.2.3", undefined],
    ["1.2.3.256", undefined],
    ["01.2.3.4", undefined],
    ["1::2::3", undefined],
    ["1:2:3:4:5:6:7:8:9", undefined],
    ["::g", undefined],
    ["", undefined],
  ])("%s: %s", (ip, want) => {
    expect(classifyAddress(ip)).toBe(want);
  });

  it("reads IPv4 inside IPv6 as that IPv4 address", () => {
    expect(parseIp("::ffff:169.254.169.254")).toEqual(parseIp("169.254.169.254"));
    expect(parseIp("64:ff9b::a9fe:a9fe")).toEqual(parseIp("169.254.169.254"));
  });
});

describe("parseCidrs", () => {
  it.each<[string, string | undefined, number]>([
    ["unset", undefined, 0],
    ["one", "127.0.0.1/32", 1],
    ["a list with spaces and IPv6", "127.0.0.1/32, 10.1.2.0/24 fd00::/8", 3],
    ["a bare address", "10.1.2.3", 1],
    ["nonsense left out", "10.0.0.0/33, nope, 1.2.3.4/x, ::1/129, 10.0.0.0/8/1, 10.0.0.0/8", 1],
  ])("%s", (_name, text, count) => {
    expect(parseCidrs(text)).toHaveLength(count);
  });
});

describe("decideAddress", () => {
  const none = { allowPrivate: false, allowCidrs: [] };
  const priv = { allowPrivate: true, allowCidrs: [] };
  const cidrs = (text: string) => ({ allowPrivate: false, allowCidrs: parseCidrs(text) });
  it.each<
    [string, string, { allowPrivate: boolean; allowCidrs: ReturnType<typeof parseCidrs> }, boolean]
  >([
    ["public: always", "93.184.216.34", none, true],
    ["private, not allowed", "10.1.2.3", none, false],
    ["private, allowed", "10.1.2.3", priv, true],
    ["CGNAT, not allowed", "100.64.1.1", none, false],
    ["ULA, allowed", "fd00::1", priv, true],
    ["loopback, even with private ranges", "127.0.0.1", priv, false],
    ["link-local, even with private ranges", "169.254.169.254", priv, false],
    ["mapped link-local, even with private ranges", "::ffff:169.254.169.254", priv, false],
    ["unspecified, even with private ranges", "0.0.0.0", priv, false],
    ["IPv6 unspecified", "::", priv, false],
    ["multicast", "224.0.0.1", priv, false],
    ["loopback in the CIDR allow-list", "127.0.0.1", cidrs("127.0.0.1/32"), true],
    ["mapped loopback in the IPv4 allow-list", "::ffff:127.0.0.1", cidrs("127.0.0.1/32"), true],
    ["the next loopback address is not", "127.0.0.2", cidrs("127.0.0.1/32"), false],
    ["one private address in the allow-list", "10.1.2.3", cidrs("10.1.2.3"), true],
    ["its neighbour is not", "10.1.2.4", cidrs("10.1.2.3"), false],
    ["a /20", "10.1.15.255", cidrs("10.1.0.0/20"), true],
    ["outside the /20", "10.1.16.0", cidrs("10.1.0.0/20"), false],
    ["an IPv6 /8", "fd12::1", cidrs("fd00::/8"), true],
    ["not an address", "registry.example.com", priv, false],
  ])("%s", (_name, ip, policy, allowed) => {
    expect(decideAddress(ip, policy).allowed).toBe(allowed);
  });

  it("names the class of a refused address", () => {
    expect(decideAddress("169.254.169.254", priv)).toEqual({ allowed: false, class: "link-local" });
  });
});
