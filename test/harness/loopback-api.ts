// Loopback servers for the API client's unit tests (src/k8s/client*.test.ts, watch.test.ts): one speaking
// HTTP/1.1 only, one speaking HTTP/2 (and HTTP/1.1 to a client that does not offer h2), both with a certificate
// for localhost and 127.0.0.1; a handler every test may replace; the TLS connections each accepted.
import http from "node:http";
import http2 from "node:http2";
import https from "node:https";
import net, { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiClient, ClientOptions } from "../../src/k8s/client";
import { makeLoopbackCert } from "./loopback-tls";

export type Protocol = "http/1.1" | "h2";
export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export const newCert = () => makeLoopbackCert(mkdtempSync(join(tmpdir(), "cheiron-tls-")));

export interface LoopbackApi {
  cert: Buffer;
  port: Record<Protocol, number>;
  /** What every request gets; reset to `{}` answers by reset(). */
  handler: Handler;
  /** "address:port" of each TLS connection accepted since reset(). */
  sockets: Set<string>;
  reset(): void;
  close(): Promise<void>;
}

/** Starts the servers before a test file's tests, resets them before each test and closes them after all. */
export function useLoopbackApi(): LoopbackApi {
  const api = {} as LoopbackApi; // filled in by beforeAll
  beforeAll(() => startLoopbackApi(api));
  afterAll(() => api.close());
  beforeEach(() => api.reset());
  return api;
}

/** Starts both servers; `into` becomes the handle (so a handle made before beforeAll runs works). */
export async function startLoopbackApi(into = {} as LoopbackApi): Promise<LoopbackApi> {
  const { key, cert } = newCert();
  const open = new Set<{ destroy(): void }>();
  const api: LoopbackApi = Object.assign(into, {
    cert,
    port: { "http/1.1": 0, h2: 0 },
    handler: (_q, s) => s.end("{}"),
    sockets: new Set(),
    reset() {
      api.sockets.clear();
      api.handler = (_q, s) => s.end("{}");
    },
    async close() {
      open.forEach(s => s.destroy()); // stalled requests and HTTP/2 sessions would keep the servers open
      await Promise.all(servers.map(s => new Promise(r => s.close(r))));
    },
  } satisfies LoopbackApi);
  const h1 = https.createServer({ key, cert }, (q, s) => api.handler(q, s));
  const h2 = http2.createSecureServer({ key, cert, allowHTTP1: true }, (q, s) =>
    api.handler(q as never, s as never),
  );
  const servers: (https.Server | http2.Http2SecureServer)[] = [h1, h2];
  for (const [name, server] of [
    ["http/1.1", h1],
    ["h2", h2],
  ] as const) {
    server.on("secureConnection", s => {
      api.sockets.add(`${s.remoteAddress}:${s.remotePort}`);
      open.add(s);
    });
    await new Promise<void>(r => server.listen(0, "127.0.0.1", () => r()));
    api.port[name] = (server.address() as AddressInfo).port;
  }
  return api;
}

/** A client of the server on `port`, HTTP/2 whatever the environment says (CHEIRON_API_HTTP2=false turns it off). */
export function loopbackClient(api: { cert: Buffer }, port: number, opts: ClientOptions = {}) {
  return new ApiClient(
    {
      server: new URL(`https://localhost:${port}`),
      tls: { ca: api.cert, rejectUnauthorized: true },
      authorization: async () => "Bearer t0ken",
      invalidate: () => undefined,
    },
    { http2: true, ...opts },
  );
}

/**
 * A TCP server on 127.0.0.1 that accepts connections and never answers (no TLS handshake, no byte), as a hung
 * apiserver or load balancer; or, with `forwardTo`, a proxy to that port whose connections `blackhole()` turns
 * silent: from then on it reads and drops what either side sends.
 */
export async function startSilentServer(forwardTo?: number) {
  const accepted: net.Socket[] = [];
  const closedByClient: net.Socket[] = [];
  let silent = false;
  const server = net.createServer(client => {
    accepted.push(client);
    client.on("error", () => undefined);
    client.on("close", () => closedByClient.push(client));
    if (forwardTo === undefined) return client.on("data", () => undefined);
    const upstream = net.connect(forwardTo, "127.0.0.1");
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    client.on("data", c => silent || upstream.write(c));
    upstream.on("data", c => silent || client.write(c));
  });
  await new Promise<void>(r => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    accepted,
    closedByClient,
    blackhole: () => (silent = true),
    heal: () => (silent = false),
    close: () => {
      accepted.forEach(s => s.destroy());
      return new Promise(r => server.close(r));
    },
  };
}

/** Resolves once `holds` is true (checked every 10 ms), rejects after `ms`: a bounded wait, not a timing assertion. */
export async function until(holds: () => boolean, ms: number, what: string): Promise<void> {
  for (const end = Date.now() + ms; !holds(); ) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise(r => setTimeout(r, 10));
  }
}

/** `p`'s outcome, or a note that it was still pending after `ms` (a bound, not a timing assertion). */
export const settledWithin = (p: Promise<unknown>, ms: number) =>
  Promise.race([
    p,
    new Promise(r => setTimeout(() => r(`still pending after ${ms} ms`), ms).unref()),
  ]);
