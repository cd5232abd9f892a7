// The client's transport, chosen once: HTTP/2 when the server offers it on a first connection (ALPN; that
// connection becomes the first HTTP/2 connection), otherwise, or with HTTP/2 turned off, the keep-alive
// HTTP/1.1 pool. The choice is logged ("Cheiron API client connected").
import type https from "node:https";
import type tls from "node:tls";
import { Log } from "pepr";
import type { Settings } from "../settings";
import { connectAlpn } from "./alpn";
import { H1Transport, Transport } from "./transport";
import { H2Options, H2Transport } from "./transport-h2";

export interface ClientOptions {
  /** Upper bound on HTTP/1.1 pooled connections to the apiserver (default CHEIRON_API_MAX_CONNECTIONS or 12). */
  maxConnections?: number;
  /** HTTP/2 when the server offers it (default: yes, unless CHEIRON_API_HTTP2=false). */
  http2?: boolean;
  /** HTTP/2 connections, at most maxConnections (default CHEIRON_API_HTTP2_CONNECTIONS or 2). */
  http2Connections?: number;
  /** HTTP/2 requests in flight at once (default CHEIRON_API_MAX_IN_FLIGHT or 64); HTTP/1.1: maxConnections. */
  maxInFlight?: number;
  /** Per-request deadline (default CHEIRON_API_TIMEOUT_MS or 30 s). */
  timeoutMs?: number;
  /** HTTP/2: a connection nothing was read on for this long is sent a PING (CHEIRON_API_HTTP2_READ_IDLE_MS). */
  http2ReadIdleMs?: number;
  /** HTTP/2: ...and retired when the PING gets no answer in this long (CHEIRON_API_HTTP2_PING_TIMEOUT_MS). */
  http2PingTimeoutMs?: number;
  /** How often a 429 is retried after its Retry-After (default 5). */
  maxThrottleRetries?: number;
}

export interface TransportChoice {
  http2: boolean;
  /** HTTP/1.1 connections. */
  maxConnections: number;
  h2: H2Options;
}

/** What the client's options say, the settings (the environment) filling in what they leave out. */
export function buildTransportChoice(opts: ClientOptions, s: Settings): TransportChoice {
  const maxConnections = opts.maxConnections ?? s.apiMaxConnections;
  return {
    http2: opts.http2 ?? s.apiHttp2,
    maxConnections,
    h2: {
      connections: Math.min(maxConnections, opts.http2Connections ?? s.apiHttp2Connections),
      maxInFlight: opts.maxInFlight ?? s.apiMaxInFlight,
      connectTimeoutMs: opts.timeoutMs ?? s.apiTimeoutMs,
      readIdleMs: opts.http2ReadIdleMs ?? s.apiHttp2ReadIdleMs,
      pingTimeoutMs: opts.http2PingTimeoutMs ?? s.apiHttp2PingTimeoutMs,
    },
  };
}

export async function chooseTransport(
  server: URL,
  tlsOptions: https.AgentOptions & tls.ConnectionOptions,
  c: TransportChoice,
): Promise<Transport> {
  const pool = () => new H1Transport(server, c.maxConnections, tlsOptions);
  let t: Transport;
  if (!c.http2) t = pool();
  else {
    const socket = await connectAlpn(server, tlsOptions, c.h2.connectTimeoutMs);
    if (socket.alpnProtocol === "h2") t = new H2Transport(server, tlsOptions, c.h2, socket);
    else {
      socket.destroy();
      t = pool();
    }
  }
  Log.info(
    t.protocol === "h2"
      ? { protocol: t.protocol, connections: c.h2.connections, maxInFlight: c.h2.maxInFlight }
      : { protocol: t.protocol, connections: c.maxConnections, http2: c.http2 },
    "Cheiron API client connected",
  );
  return t;
}
