// The client's transport on a loopback HTTPS server (no apiserver semantics here: those are integration tests).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
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
let server: https.Server;
let port = 0;

beforeAll(async () => {
  server = https.createServer({ key: tls.key, cert: tls.cert }, (q, s) => handler(q, s));
  server.on("secureConnection", s => sockets.add(`${s.remoteAddress}:${s.remotePort}`));
  await new Promise<void>(r => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise(r => server.close(r)));
beforeEach(() => sockets.clear());

const client = (opts: ConstructorParameters<typeof ApiClient>[1] = {}) =>
  new ApiClient(
    {
      server: new URL(`https://localhost:${port}`),
      tls: { ca: tls.cert, rejectUnauthorized: true },
      authorization: async () => "Bearer t0ken",
      invalidate: () => undefined,
    },
    opts,
  );

describe("ApiClient", () => {
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

  it("keeps at most maxConnections sockets for 400 concurrent calls, and reuses them", async () => {
    handler = (_q, s) => setTimeout(() => s.end('{"ok":true}'), 2);
    const c = client({ maxConnections: 4 });
    const results = await Promise.all(
      Array.from({ length: 400 }, () => c.get<{ ok: boolean }>("/x")),
    );
    expect(results.every(r => r.ok)).toBe(true);
    expect(sockets.size).toBeLessThanOrEqual(4);
    expect(sockets.size).toBeGreaterThan(0);
    c.agent.destroy();
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
    c.agent.destroy();
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
    c.agent.destroy();
  });

  it("gives a 429 up when Retry-After would pass the deadline, keeping the status", async () => {
    handler = (_q, s) => {
      s.writeHead(429, { "Retry-After": "30" });
      s.end();
    };
    const c = client({ timeoutMs: 2000 });
    await expect(c.get("/t")).rejects.toMatchObject({ status: 429, retryAfterSeconds: 30 });
    c.agent.destroy();
  });

  it("ends a request that gets no answer at its deadline", async () => {
    handler = () => undefined; // never answers
    const c = client({ timeoutMs: 300 });
    const t0 = Date.now();
    const e = (await c.get("/stall").catch(x => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.reason).toBe("Timeout");
    expect(Date.now() - t0).toBeLessThan(2000);
    c.agent.destroy();
  });
});
