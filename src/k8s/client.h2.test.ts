// The client's HTTP/2 transport on a loopback HTTP/2 server: in-flight bound, replaced and refused connections,
// deadlines.
import http2 from "node:http2";
import { ApiClient } from "./client";
import {
  loopbackClient,
  startSilentServer,
  until,
  useLoopbackApi,
} from "../../test/harness/loopback-api";

const api = useLoopbackApi();
const client = (opts: ConstructorParameters<typeof ApiClient>[1] = {}) =>
  loopbackClient(api, api.port.h2, opts);

describe("ApiClient over HTTP/2", () => {
  it.each([
    ["unset", undefined, "h2"],
    ["false", "false", "http/1.1"],
    ["true", "true", "h2"],
  ])("with CHEIRON_API_HTTP2 %s it speaks what it was told", async (_n, env, expected) => {
    const before = process.env.CHEIRON_API_HTTP2;
    if (env === undefined) delete process.env.CHEIRON_API_HTTP2;
    else process.env.CHEIRON_API_HTTP2 = env;
    try {
      const c = client({ http2: undefined });
      await c.get("/x");
      expect(await c.protocol()).toBe(expected);
      c.close();
    } finally {
      if (before === undefined) delete process.env.CHEIRON_API_HTTP2;
      else process.env.CHEIRON_API_HTTP2 = before;
    }
  });

  it("keeps at most maxInFlight requests in flight; the rest wait their turn", async () => {
    let now = 0;
    let peak = 0;
    api.handler = (_q, s) => {
      peak = Math.max(peak, ++now);
      setTimeout(() => {
        now--;
        s.end("{}");
      }, 5);
    };
    const c = client({ maxInFlight: 5 });
    await Promise.all(Array.from({ length: 100 }, () => c.get("/x")));
    expect(peak).toBe(5);
    c.close();
  });

  it("replaces a connection the server ended (GOAWAY) and carries on", async () => {
    const ended: http2.Http2Session[] = [];
    api.handler = (q, s) => {
      const session = (q as unknown as http2.Http2ServerRequest).stream.session;
      s.end("{}");
      if (q.url === "/last" && session) {
        ended.push(session);
        setImmediate(() => session.close()); // GOAWAY, then the connection closes
      }
    };
    const c = client({ http2Connections: 1 });
    await c.get("/first");
    await c.get("/last");
    await new Promise(r => setTimeout(r, 50));
    expect(ended[0].closed).toBe(true);
    await expect(c.get("/after")).resolves.toEqual({});
    expect(api.sockets.size).toBe(2); // the first connection, then one new one
    c.close();
  });

  it("sends a stream the server refused unprocessed once more, and nothing else", async () => {
    const seen: string[] = [];
    api.handler = (q, s) => {
      seen.push(`${q.method} ${q.url}`);
      if (seen.length === 1)
        return (q as unknown as http2.Http2ServerRequest).stream.close(
          http2.constants.NGHTTP2_REFUSED_STREAM,
        );
      if (seen.length === 2)
        return (q as unknown as http2.Http2ServerRequest).stream.close(
          http2.constants.NGHTTP2_INTERNAL_ERROR,
        );
      s.end("{}");
    };
    const c = client();
    await expect(c.create("/made", {})).rejects.toMatchObject({ reason: "NetworkError" });
    // The refused attempt was sent again; the reset after the server took it is not (a write may have happened).
    expect(seen).toEqual(["POST /made?fieldManager=cheiron", "POST /made?fieldManager=cheiron"]);
    c.close();
  });
});

describe("ApiClient over HTTP/2, a request that times out", () => {
  it("is cancelled alone (RST_STREAM CANCEL); its connection stays in use", async () => {
    const resets: number[] = [];
    api.handler = (q, s) => {
      const stream = (q as unknown as http2.Http2ServerRequest).stream;
      if (q.url !== "/stall") return s.end('{"ok":1}');
      stream.on("close", () => resets.push(stream.rstCode));
    };
    const c = client({ timeoutMs: 300, http2Connections: 1 });
    await c.get("/before");
    await expect(c.get("/stall")).rejects.toMatchObject({ reason: "Timeout" });
    await expect(c.get("/after")).resolves.toEqual({ ok: 1 });
    await until(() => resets.length === 1, 3000, "the server saw the stalled stream end");
    expect(resets).toEqual([http2.constants.NGHTTP2_CANCEL]);
    expect(api.sockets.size).toBe(1); // one TLS session for all three
    c.close();
  });
});

describe("ApiClient over HTTP/2, a connection whose server stops answering", () => {
  it("is retired when a PING gets no answer; the next request opens a new connection", async () => {
    const proxy = await startSilentServer(api.port.h2);
    const c = loopbackClient(api, proxy.port, {
      http2Connections: 1,
      http2ReadIdleMs: 100,
      http2PingTimeoutMs: 100,
    });
    try {
      await c.get("/first");
      proxy.blackhole(); // nothing reaches the server any more, nothing comes back: PINGs included
      await until(
        () => proxy.closedByClient.length === 1,
        3000,
        "the client closed that connection",
      );
      proxy.heal();
      await expect(c.get("/after")).resolves.toEqual({});
      expect(proxy.accepted).toHaveLength(2);
    } finally {
      c.close();
      await proxy.close();
    }
  }, 10_000);
});
