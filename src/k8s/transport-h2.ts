// HTTP/2 to the apiserver, the way client-go talks to it: requests are streams over a fixed, small number of
// connections (default 2), so the controller can keep 32 writes in flight (which is what lets etcd and the
// apiserver batch their work) while holding two TCP connections. A connection the server ends (GOAWAY, a
// restart) is replaced on the next request; a stream the server refused unprocessed is sent again.
import http2 from "node:http2";
import { isIP } from "node:net";
import tls from "node:tls";
import { ApiError } from "./api-error";
import { Limiter } from "./limiter";
import { networkError, timeoutError, Transport, WireRequest, WireResponse } from "./transport";

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;
/** Stream and connection receive windows: a list page of a few MB arrives without waiting for updates. */
const WINDOW = 4 << 20;

/** A TLS connection offering h2 and http/1.1 (ALPN); the caller reads `alpnProtocol` to see what was chosen. */
export function connectAlpn(
  origin: URL,
  tlsOptions: tls.ConnectionOptions,
  timeoutMs: number,
): Promise<tls.TLSSocket> {
  const host = origin.hostname.replace(/^\[(.*)\]$/, "$1");
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      ...tlsOptions,
      host,
      port: Number(origin.port || 443),
      servername: isIP(host) ? undefined : host,
      ALPNProtocols: ["h2", "http/1.1"],
    });
    const timer = setTimeout(
      () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      socket.setKeepAlive(true, 30_000); // TCP keep-alive, as the HTTP/1.1 agent's sockets have
      resolve(socket);
    });
    socket.once("error", e => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** The server answered a new connection without h2: the client goes back to choosing a transport. */
export class NotHttp2Error extends Error {}

class Refused extends Error {}

interface Conn {
  session: http2.ClientHttp2Session;
  active: number;
  draining: boolean;
}

export class H2Transport implements Transport {
  readonly protocol = "h2";
  private readonly conns: (Conn | undefined)[];
  private readonly opening: (Promise<Conn> | undefined)[];
  private next = 0;
  private closed = false;
  private readonly inFlight: Limiter;

  constructor(
    private readonly origin: URL,
    private readonly tlsOptions: tls.ConnectionOptions,
    readonly connections: number,
    /** Requests in flight at once over all connections; more wait their turn (the apiserver would take 1,000). */
    maxInFlight: number,
    private readonly connectTimeoutMs: number,
    private spare?: tls.TLSSocket,
  ) {
    this.inFlight = new Limiter(maxInFlight);
    this.conns = new Array(connections).fill(undefined);
    this.opening = new Array(connections).fill(undefined);
  }

  send(r: WireRequest): Promise<WireResponse> {
    const deadline = Date.now() + r.timeoutMs;
    return this.inFlight.run(async () => {
      for (let attempt = 1; ; attempt++) {
        const conn = await this.conn();
        try {
          return await this.exchange(conn, { ...r, timeoutMs: Math.max(1, deadline - Date.now()) });
        } catch (e) {
          if (e instanceof Refused && attempt < 3) continue; // never processed: safe to send again
          throw e instanceof Refused ? networkError(r.label, e) : e;
        }
      }
    });
  }

  close(): void {
    this.closed = true;
    this.spare?.destroy();
    for (const c of this.conns) c?.session.destroy();
  }

  private conn(): Promise<Conn> {
    const i = this.next++ % this.connections;
    const c = this.conns[i];
    if (c && !c.draining && !c.session.closed && !c.session.destroyed) return Promise.resolve(c);
    this.opening[i] ??= this.open(i).finally(() => (this.opening[i] = undefined));
    return this.opening[i];
  }

  private async open(i: number): Promise<Conn> {
    if (this.closed) throw new ApiError("the API client is closed", 0, "NetworkError");
    const socket =
      this.spare ?? (await connectAlpn(this.origin, this.tlsOptions, this.connectTimeoutMs));
    this.spare = undefined;
    if (socket.alpnProtocol !== "h2") {
      socket.destroy();
      throw new NotHttp2Error(`the apiserver answered with ${socket.alpnProtocol || "no ALPN"}`);
    }
    const session = http2.connect(this.origin, {
      createConnection: () => socket,
      settings: { initialWindowSize: WINDOW },
    });
    session.once("connect", () => session.setLocalWindowSize(WINDOW));
    const conn: Conn = { session, active: 0, draining: false };
    const retire = () => (conn.draining = true);
    session.on("goaway", retire);
    session.on("error", retire); // its streams fail with their own errors
    session.on("close", () => {
      if (this.conns[i] === conn) this.conns[i] = undefined;
    });
    session.unref(); // an idle connection never keeps the process alive; a request refs it (exchange)
    this.conns[i] = conn;
    return conn;
  }

  private exchange(conn: Conn, r: WireRequest): Promise<WireResponse> {
    return new Promise<WireResponse>((resolve, reject) => {
      if (conn.active++ === 0) conn.session.ref();
      let settled = false;
      const finish = (then: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (--conn.active === 0) conn.session.unref();
        then();
      };
      const timer = setTimeout(() => {
        finish(() => reject(timeoutError(r.label, r.timeoutMs)));
        stream?.close(NGHTTP2_CANCEL);
        // A connection that let a request time out may be dead: no new stream goes to it, and it closes once
        // its other streams are done (they end or time out too).
        conn.draining = true;
        conn.session.close();
      }, r.timeoutMs);
      const headers: http2.OutgoingHttpHeaders = {
        ":method": r.method,
        ":path": r.url.pathname + r.url.search,
      };
      for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
      let stream: http2.ClientHttp2Stream | undefined;
      try {
        stream = conn.session.request(headers, { endStream: r.body === undefined });
      } catch (e) {
        conn.draining = true; // closing or gone: the next attempt takes a fresh connection
        return finish(() => reject(new Refused((e as Error).message)));
      }
      let status = 0;
      let retryAfter: string | undefined;
      const chunks: Buffer[] = [];
      stream.on("response", h => {
        status = Number(h[":status"]);
        const ra = h["retry-after"];
        retryAfter = Array.isArray(ra) ? ra[0] : ra;
      });
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () =>
        finish(() => resolve({ status, text: Buffer.concat(chunks).toString("utf8"), retryAfter })),
      );
      // Refused (sent again): the server refused the stream unprocessed, or it never left (session going away).
      const fail = (e?: Error) => {
        if (settled) return; // "close" follows every "end": nothing to build then
        const s = stream as http2.ClientHttp2Stream;
        const unsent =
          status === 0 &&
          (s.rstCode === NGHTTP2_REFUSED_STREAM ||
            s.id === undefined ||
            (e as { code?: string } | undefined)?.code === "ERR_HTTP2_GOAWAY_SESSION");
        const why = e ?? new Error(`stream closed (HTTP/2 code ${s.rstCode})`);
        finish(() => reject(unsent ? new Refused(why.message) : networkError(r.label, why)));
      };
      stream.on("error", fail);
      stream.on("close", () => fail());
      if (r.body !== undefined) stream.end(r.body);
    });
  }
}
