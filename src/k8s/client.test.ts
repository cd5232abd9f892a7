// The client's transports on loopback servers (no apiserver semantics here: those are integration tests): every
// case runs against an HTTP/1.1-only server (the client falls back to its keep-alive pool) and an HTTP/2 server
// (the client multiplexes streams over its HTTP/2 connections). HTTP/2 alone: client.h2.test.ts.
import { ApiClient, ApiError } from "./client";
import { withSignal } from "./cancel";
import {
  loopbackClient,
  newCert,
  settledWithin,
  until,
  useLoopbackApi,
} from "../../test/harness/loopback-api";

const api = useLoopbackApi();
let port = 0;
const client = (opts: ConstructorParameters<typeof ApiClient>[1] = {}) =>
  loopbackClient(api, port, opts);

describe.each(["http/1.1", "h2"] as const)("ApiClient against a server speaking %s", protocol => {
  beforeEach(() => (port = api.port[protocol]));

  it("chooses the transport the server offers", async () => {
    const c = client();
    await c.get("/x");
    expect(await c.protocol()).toBe(protocol);
    c.close();
  });

  it("verifies the server against the configured CA only (one secure context for every connection)", async () => {
    const other = newCert();
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
    api.handler = (_q, s) => setTimeout(() => s.end('{"ok":true}'), 2);
    const c = client({ maxConnections: 4, http2Connections: 2 });
    const results = await Promise.all(
      Array.from({ length: 400 }, () => c.get<{ ok: boolean }>("/x")),
    );
    expect(results.every(r => r.ok)).toBe(true);
    expect(api.sockets.size).toBeLessThanOrEqual(protocol === "h2" ? 2 : 4);
    expect(api.sockets.size).toBeGreaterThan(0);
    c.close();
  });

  it("sends fieldManager=cheiron on writes only, the token, and JSON Patch content type", async () => {
    const seen: { method?: string; url?: string; type?: string; auth?: string }[] = [];
    api.handler = (q, s) => {
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
    api.handler = (_q, s) => {
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
    api.handler = (_q, s) => {
      s.writeHead(429, { "Retry-After": "30" });
      s.end();
    };
    const c = client({ timeoutMs: 2000 });
    await expect(c.get("/t")).rejects.toMatchObject({ status: 429, retryAfterSeconds: 30 });
    c.close();
  });

  it("never sends a request whose deadline passed while it waited for a connection: a timeout, not sent", async () => {
    const seen: string[] = [];
    api.handler = (q, s) => {
      seen.push(`${q.method} ${q.url}`);
      if (q.url === "/slow") return void setTimeout(() => s.end("{}"), 600);
      q.resume();
      q.on("end", () => s.end("{}"));
    };
    const c = client({ maxInFlight: 1, maxConnections: 1 }); // one request at a time, on either transport
    const slow = c.request("GET", "/slow", { timeoutMs: 10_000 });
    const queued = c.request("POST", "/queued", { body: {}, timeoutMs: 200 }).catch(e => e);
    await slow;
    const e = await queued;
    await c.get("/after"); // the same single connection: had /queued left, the server would have seen it first
    expect(seen).toEqual(["GET /slow", "GET /after"]);
    expect(e).toMatchObject({ reason: "Timeout", sent: false });
    c.close();
  });

  it("cancels the request in flight when the signal of its run aborts; sends none after", async () => {
    let asked = 0;
    let ended = 0;
    api.handler = (_q, s) => {
      asked++;
      s.on("close", () => ended++); // never answers
    };
    const c = client({ timeoutMs: 10_000 });
    const run = new AbortController();
    const call = withSignal(run.signal, () => c.get("/stall")).catch(e => e);
    await until(() => asked === 1, 3000, "the server got the request");
    run.abort(new Error("run of ns/a exceeded 1000 ms"));
    expect(await settledWithin(call, 3000)).toMatchObject({ reason: "Canceled" });
    await until(() => ended === 1, 3000, "the server saw the request go");
    const next = withSignal(run.signal, () => c.get("/next"));
    await expect(next).rejects.toMatchObject({ reason: "Canceled", sent: false });
    expect(asked).toBe(1);
    c.close();
  });

  it("ends a request that gets no answer at its deadline", async () => {
    api.handler = () => undefined; // never answers
    const c = client({ timeoutMs: 300 });
    const e = (await c.get("/stall").catch(x => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.reason).toBe("Timeout");
    c.close();
  });
});
