// The client's transports on loopback servers (no apiserver semantics here: those are integration tests): every
// case runs against an HTTP/1.1-only server (the client falls back to its keep-alive pool) and an HTTP/2 server
// (the client multiplexes streams over its HTTP/2 connections).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import http2 from "node:http2";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiClient, ApiError } from "./client";

type Handler = (
  req: import("node:http").IncomingMessage,
  res: import("node:http").ServerResponse,
) => void;

function selfSigned() {
  const dir = mkdtempSync(join(tmpdir(), "cheiron-tls-"));
  const [key, cert] = [join(dir, "k.pem"), join(dir, "c.pem")];
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"],
      ...["-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert],
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

const tls = selfSigned();
let handler: Handler = (_q, s) => s.end("{}");
const sockets = new Set<string>();
const servers: Record<
  "http/1.1" | "h2",
  { server: https.Server | http2.Http2SecureServer; port: number }
> = {} as never;
let port = 0;

beforeAll(async () => {
  const h1 = https.createServer({ key: tls.key, cert: tls.cert }, (q, s) => handler(q, s));
  const h2 = http2.createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: true }, (q, s) =>
    handler(q as never, s as never),
  );
  for (const [name, server] of [
    ["http/1.1", h1],
    ["h2", h2],
  ] as const) {
    server.on("secureConnection", s => {
      sockets.add(`${s.remoteAddress}:${s.remotePort}`);
      open.add(s);
    });
    await new Promise<void>(r => server.listen(0, "127.0.0.1", () => r()));
    servers[name] = { server, port: (server.address() as AddressInfo).port };
  }
});
const open = new Set<{ destroy(): void }>();
afterAll(async () => {
  open.forEach(s => s.destroy()); // stalled requests and HTTP/2 sessions would keep the servers open
  await Promise.all(Object.values(servers).map(({ server }) => new Promise(r => server.close(r))));
});
beforeEach(() => {
  sockets.clear();
  handler = (_q, s) => s.end("{}");
});

const client = (opts: ConstructorParameters<typeof ApiClient>[1] = {}) =>
  new ApiClient(
    {
      server: new URL(`https://localhost:${port}`),
      tls: { ca: tls.cert, rejectUnauthorized: true },
      authorization: async () => "Bearer t0ken",
      invalidate: () => undefined,
    },
    { http2: true, ...opts }, // HTTP/2 whatever the environment says (CHEIRON_API_HTTP2=false turns it off)
  );

describe.each(["http/1.1", "h2"] as const)("ApiClient against a server speaking %s", protocol => {
  beforeEach(() => (port = servers[protocol].port));

  it("chooses the transport the server offers", async () => {
    const c = client();
    await c.get("/x");
    expect(await c.protocol()).toBe(protocol);
    c.close();
  });

  it("verifies the server against the configured CA only (one secure context for every connection)", async () => {
    const other = selfSigned();
    const stranger = new ApiClient(
      {
        server: new URL(`https://localhost:${port}`),
        tls: { ca: other.cert, rejectUnauthorized: true },
        authorization: async () => "Bearer t",
        invalidate: () => undefined,
      },
      { maxConnections: 2 },
    );
    await expect(stranger.get("/x")).rejects.toMatchObject({ reason: "NetworkError" });
    await expect(client().get("/x")).resolves.toEqual({});
    expect(client().tlsOptions()).not.toHaveProperty("ca");
  });

  it("keeps at most its bound of connections for 400 concurrent calls, and reuses them", async () => {
    handler = (_q, s) => setTimeout(() => s.end('{"ok":true}'), 2);
    const c = client({ maxConnections: 4, http2Connections: 2 });
    const results = await Promise.all(
      Array.from({ length: 400 }, () => c.get<{ ok: boolean }>("/x")),
    );
    expect(results.every(r => r.ok)).toBe(true);
    expect(sockets.size).toBeLessThanOrEqual(protocol === "h2" ? 2 : 4);
    expect(sockets.size).toBeGreaterThan(0);
    c.close();
  });

  it("sends fieldManager=cheiron on writes only, the token, and JSON Patch content type", async () => {
    const seen: { method?: string; url?: string; type?: string; auth?: string }[] = [];
    handler = (q, s) => {
      seen.push({
        method: q.method,
        url: q.url,
        type: q.headers["content-type"],
        auth: q.headers.authorization,
      });
      q.resume();
      q.on("end", () => s.end("{}"));
    };
    const c = client();
    await c.get("/api/v1/secrets", { limit: 5 });
    await c.create("/api/v1/namespaces/a/secrets", { a: 1 });
    await c.patch("/api/v1/namespaces/a/secrets/b", [{ op: "add", path: "/x", value: 1 }]);
    await c.patch("/s", { status: {} }, "merge");
    await c.delete("/api/v1/namespaces/a/secrets/b", { uid: "u", resourceVersion: "7" });
    expect(seen.map(s => `${s.method} ${s.url}`)).toEqual([
      "GET /api/v1/secrets?limit=5",
      "POST /api/v1/namespaces/a/secrets?fieldManager=cheiron",
      "PATCH /api/v1/namespaces/a/secrets/b?fieldManager=cheiron",
      "PATCH /s?fieldManager=cheiron",
      "DELETE /api/v1/namespaces/a/secrets/b",
    ]);
    expect(seen[2].type).toBe("application/json-patch+json");
    expect(seen[3].type).toBe("application/merge-patch+json");
    expect(seen.every(s => s.auth === "Bearer t0ken")).toBe(true);
    c.close();
  });

  it("waits for Retry-After on 429 and then succeeds", async () => {
    let calls = 0;
    const at: number[] = [];
    handler = (_q, s) => {
      at.push(Date.now());
      if (++calls < 3) {
        s.writeHead(429, { "Retry-After": "1", "Content-Type": "application/json" });
        return s.end(
          JSON.stringify({
            kind: "Status",
            code: 429,
            reason: "TooManyRequests",
            message: "slow down",
          }),
        );
      }
      s.end('{"done":1}');
    };
    const c = client();
    expect(await c.get("/t")).toEqual({ done: 1 });
    expect(calls).toBe(3);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(950);
    c.close();
  });

  it("gives a 429 up when Retry-After would pass the deadline, keeping the status", async () => {
    handler = (_q, s) => {
      s.writeHead(429, { "Retry-After": "30" });
      s.end();
    };
    const c = client({ timeoutMs: 2000 });
    await expect(c.get("/t")).rejects.toMatchObject({ status: 429, retryAfterSeconds: 30 });
    c.close();
  });

  it("ends a request that gets no answer at its deadline", async () => {
    handler = () => undefined; // never answers
    const c = client({ timeoutMs: 300 });
    const t0 = Date.now();
    const e = (await c.get("/stall").catch(x => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.reason).toBe("Timeout");
    expect(Date.now() - t0).toBeLessThan(2000);
    c.close();
  });
});

describe("ApiClient over HTTP/2", () => {
  beforeEach(() => (port = servers.h2.port));

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
    handler = (_q, s) => {
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
    handler = (q, s) => {
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
    expect(sockets.size).toBe(2); // the first connection, then one new one
    c.close();
  });

  it("sends a stream the server refused unprocessed once more, and nothing else", async () => {
    const seen: string[] = [];
    handler = (q, s) => {
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

describe("ApiClient over HTTP/2, a connection that let a request time out", () => {
  beforeEach(() => (port = servers.h2.port));

  it("gets no new request; the next one goes over a new connection", async () => {
    handler = (q, s) => (q.url === "/stall" ? undefined : s.end('{"ok":1}'));
    const c = client({ timeoutMs: 300, http2Connections: 1 });
    await c.get("/before");
    await expect(c.get("/stall")).rejects.toMatchObject({ reason: "Timeout" });
    await expect(c.get("/after")).resolves.toEqual({ ok: 1 });
    expect(sockets.size).toBe(2);
    c.close();
  });
});
