// Where and how a credential check connects: each host is resolved once per check, every address it resolves
// to is checked against the verify policy (src/domain/verify-address.ts), and each request connects to the first
// checked address through a lookup that answers with it, so a second DNS answer (DNS rebinding) is never used.
// TLS still verifies the certificate against the host name.
import { promises as dns } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { AddressPolicy, decideAddress, parseIp } from "../domain/verify-address";

/** Resolves a host name to its addresses (verbatim order). */
export type Resolve = (host: string) => Promise<string[]>;

export const systemResolve: Resolve = async host =>
  (await dns.lookup(host, { all: true, verbatim: true })).map(a => a.address);

/** The check may not contact this address (the detail names the host, the address and its class). */
export class AddressNotAllowed extends Error {}

export interface Pinned {
  address: string;
  family: 4 | 6;
}

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, "$1");

/** A lookup that answers every query with the pinned address (one, or a list of one with `all`). */
export function pinnedLookup(pin: Pinned): LookupFunction {
  return ((_host: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === "function" ? options : callback) as (
      err: Error | null,
      address: unknown,
      family?: number,
    ) => void;
    const all = typeof options === "object" && options !== null && "all" in options && options.all;
    if (all) cb(null, [{ address: pin.address, family: pin.family }]);
    else cb(null, pin.address, pin.family);
  }) as LookupFunction;
}

/**
 * The address to connect to for a host name (an IP literal is its own address), after checking every address it
 * resolves to; AddressNotAllowed when one of them is not allowed. Resolution gives up after timeoutMs.
 */
export async function pinAddress(
  hostname: string,
  policy: AddressPolicy,
  resolve: Resolve,
  timeoutMs: number,
): Promise<Pinned> {
  const host = bare(hostname);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`resolving timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const addresses =
    parseIp(host) !== undefined
      ? [host]
      : await Promise.race([resolve(host), deadline]).finally(() => clearTimeout(timer));
  clearTimeout(timer);
  if (addresses.length === 0) throw Object.assign(new Error("no address"), { code: "ENOTFOUND" });
  for (const address of addresses) {
    const d = decideAddress(address, policy);
    const which = address === host ? "" : ` (${address})`;
    if (!d.allowed)
      throw new AddressNotAllowed(
        `${host} is a ${d.class} address${which}, which the verify policy does not allow`,
      );
  }
  return { address: addresses[0], family: addresses[0].includes(":") ? 6 : 4 };
}

export interface Reply {
  status: number;
  header: string | undefined;
  body: string;
}

const MAX_BODY = 64 * 1024;

/** One GET to the pinned address with a deadline for the whole exchange; the body is read up to MAX_BODY. */
function get(
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  pin: Pinned,
): Promise<Reply> {
  const lib = url.protocol === "http:" ? http : https;
  return new Promise((resolve, reject) => {
    // A socket of its own (agent: false), connected to the pinned address: no pooled socket serves it. The
    // global agent's CA option is kept (NODE_EXTRA_CA_CERTS applies either way).
    const options = {
      method: "GET",
      headers: { ...headers, Connection: "close" },
      timeout: timeoutMs,
      lookup: pinnedLookup(pin),
      agent: false,
      ...(lib === https ? { ca: https.globalAgent.options.ca } : {}),
    };
    const req = lib.request(url, options, res => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        if (body.length < MAX_BODY) body += d;
      });
      res.on("end", () => {
        clearTimeout(timer);
        const h = res.headers["www-authenticate"];
        resolve({ status: res.statusCode ?? 0, header: Array.isArray(h) ? h[0] : h, body });
      });
      res.on("error", reject);
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on("error", e => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}

export type Get = (url: URL, headers: Record<string, string>) => Promise<Reply>;

/** GETs within one check: each host resolved and checked once, then always the same address. */
export function buildGet(policy: AddressPolicy, resolve: Resolve, timeoutMs: number): Get {
  const pins = new Map<string, Promise<Pinned>>();
  return async (url, headers) => {
    if (!pins.has(url.hostname))
      pins.set(url.hostname, pinAddress(url.hostname, policy, resolve, timeoutMs));
    return get(url, headers, timeoutMs, await pins.get(url.hostname)!);
  };
}
