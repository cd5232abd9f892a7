// HTTP/2 to the apiserver, the way client-go talks to it: requests are streams over a fixed, small number of
// connections (default 2), so the controller can keep 32 writes in flight (which is what lets etcd and the
// apiserver batch their work) while holding two TCP connections. A connection the server ends (GOAWAY, a
// restart) is replaced on the next request; a stream the server refused unprocessed is sent again. A request
// whose deadline passes (or that is cancelled) while it waits for an in-flight slot is never sent; one that
// passes it in flight cancels its own stream (RST_STREAM) and leaves the connection alone: a connection is
// retired only when it fails a PING (h2-health.ts).
import http2 from "node:http2";
import tls from "node:tls";
import { ApiError } from "./api-error";
import { connectAlpn, NotHttp2Error } from "./alpn";
import { HealthOptions, watchHealth, Health } from "./h2-health";
import { StopSignal, untilAborted } from "./cancel";
import { Limiter } from "./limiter";
import {
  armDeadline,
  networkError,
  Stop,
  stoppedError,
  Transport,
  WireRequest,
  WireResponse,
} from "./transport";

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;
/** Stream and connection receive windows: a list page of a few MB arrives without waiting for updates. */
const WINDOW = 4 << 20;

class Refused extends Error {}

interface Conn {
  session: http2.ClientHttp2Session;
  active: number;
  draining: boolean;
  health: Health;
}

export interface H2Options extends HealthOptions {
  connections: number;
  /** Requests in flight at once over all connections; more wait their turn (the apiserver would take 1,000). */
  maxInFlight: number;
  connectTimeoutMs: number;
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
    private readonly opts: H2Options,
    private spare?: tls.TLSSocket,
  ) {
    this.inFlight = new Limiter(opts.maxInFlight);
    this.conns = new Array(opts.connections).fill(undefined);
    this.opening = new Array(opts.connections).fill(undefined);
  }

  async send(r: WireRequest): Promise<WireResponse> {
    // One deadline (and the caller's signal) for the wait for a slot and for the exchange.
    const stop = new StopSignal();
    const disarm = armDeadline(r, why => stop.abort(why));
    const unsent = () => stoppedError(r, stop.reason as Stop, false);
    try {
      return await this.inFlight.run(async () => {
        for (let attempt = 1; ; attempt++) {
          const conn = this.ready() ?? (await untilAborted(this.conn(), stop));
          if (stop.aborted) throw unsent();
          try {
            return await this.exchange(conn, r, stop);
          } catch (e) {
            if (e instanceof Refused && attempt < 3) continue; // never processed: safe to send again
            throw e instanceof Refused ? networkError(r.label, e) : e;
          }
        }
      }, stop);
    } catch (e) {
      throw stop.aborted && e === stop.reason ? unsent() : e;
    } finally {
      disarm();
    }
  }

  close(): void {
    this.closed = true;
    this.spare?.destroy();
    for (const c of this.conns) c?.session.destroy();
  }

  /** The next connection in turn when it is open and usable (no promise to wait for); else undefined. */
  private ready(): Conn | undefined {
    const c = this.conns[this.next % this.opts.connections];
    if (!c || c.draining || c.session.closed || c.session.destroyed) return undefined;
    this.next++;
    return c;
  }

  private conn(): Promise<Conn> {
    const i = this.next++ % this.opts.connections;
    const c = this.conns[i];
    if (c && !c.draining && !c.session.closed && !c.session.destroyed) return Promise.resolve(c);
    this.opening[i] ??= this.open(i).finally(() => (this.opening[i] = undefined));
    return this.opening[i];
  }

  private async open(i: number): Promise<Conn> {
    if (this.closed) throw new ApiError("the API client is closed", 0, "NetworkError");
    const socket =
      this.spare ?? (await connectAlpn(this.origin, this.tlsOptions, this.opts.connectTimeoutMs));
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
    const conn: Conn = {
      session,
      active: 0,
      draining: false,
      // A connection that fails a PING is dead: its streams fail now instead of at their deadlines.
      health: watchHealth(session, this.opts, why => {
        conn.draining = true;
        session.destroy(new Error(`HTTP/2 connection lost: ${why}`));
      }),
    };
    const retire = () => (conn.draining = true);
    session.on("goaway", retire);
    session.on("error", retire); // its streams fail with their own errors
    session.on("close", () => {
      conn.health.stop();
      if (this.conns[i] === conn) this.conns[i] = undefined;
    });
    session.unref(); // an idle connection never keeps the process alive; a request refs it (exchange)
    this.conns[i] = conn;
    return conn;
  }

  private exchange(conn: Conn, r: WireRequest, stop: StopSignal): Promise<WireResponse> {
    return new Promise<WireResponse>((resolve, reject) => {
      if (conn.active++ === 0) conn.session.ref();
      let settled = false;
      const finish = (then: () => void) => {
        if (settled) return;
        settled = true;
        stop.removeEventListener("abort", cancel);
        if (--conn.active === 0) conn.session.unref();
        then();
      };
      // The deadline or the caller's signal: this stream alone is cancelled; the connection carries on.
      const cancel = () => {
        finish(() => reject(stoppedError(r, stop.reason as Stop, true)));
        stream?.close(NGHTTP2_CANCEL);
      };
      const headers: http2.OutgoingHttpHeaders = {
        ":method": r.method,
        ":path": r.path,
      };
      for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
      let stream: http2.ClientHttp2Stream | undefined;
      try {
        stream = conn.session.request(headers, { endStream: r.body === undefined });
      } catch (e) {
        conn.draining = true; // closing or gone: the next attempt takes a fresh connection
        return finish(() => reject(new Refused((e as Error).message)));
      }
      stop.addEventListener("abort", cancel); // fires once
      let status = 0;
      let retryAfter: string | undefined;
      const chunks: Buffer[] = [];
      stream.on("response", h => {
        conn.health.read();
        status = Number(h[":status"]);
        const ra = h["retry-after"];
        retryAfter = Array.isArray(ra) ? ra[0] : ra;
      });
      stream.on("data", (c: Buffer) => {
        conn.health.read();
        chunks.push(c);
      });
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
