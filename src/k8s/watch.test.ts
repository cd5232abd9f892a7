// A watch's deadlines, socket and stream on loopback servers: response headers must arrive within the client's
// request deadline (a handshake or an apiserver/load balancer that hangs would otherwise leave its informer silent
// forever), the watch socket has TCP keep-alive, and events are delivered whole and in order.
import tls from "node:tls";
import { Informer } from "./informer";
import { watchStream, WatchStreamOptions } from "./watch";
import {
  loopbackClient,
  settledWithin,
  startSilentServer,
  until,
  useLoopbackApi,
} from "../../test/harness/loopback-api";

const api = useLoopbackApi();

const options = (onEvent: WatchStreamOptions["onEvent"] = () => undefined): WatchStreamOptions => ({
  path: "/api/v1/namespaces",
  query: {},
  resourceVersion: "1",
  timeoutSeconds: 300,
  idleMs: 150_000, // the informer's: far longer than the header deadline below
  onEvent,
});
describe("watchStream before its response headers", () => {
  it("fails when the server accepts the connection and never answers the TLS handshake", async () => {
    const silent = await startSilentServer();
    const c = loopbackClient(api, silent.port, { timeoutMs: 300 });
    try {
      const ac = new AbortController();
      const watch = watchStream(c, options(), ac.signal);
      await expect(settledWithin(watch, 3000)).rejects.toMatchObject({ reason: "Timeout" });
      expect(silent.accepted).toHaveLength(1);
      ac.abort();
    } finally {
      c.close();
      await silent.close();
    }
  });

  it("fails when the server takes the request and never sends headers", async () => {
    let asked = 0;
    api.handler = () => void asked++; // never answers
    const c = loopbackClient(api, api.port["http/1.1"], { timeoutMs: 300 });
    const ac = new AbortController();
    const watch = watchStream(c, options(), ac.signal);
    await expect(settledWithin(watch, 3000)).rejects.toMatchObject({ reason: "Timeout" });
    expect(asked).toBe(1);
    ac.abort();
    c.close();
  });

  it("lets the informer watch again after such a failure", async () => {
    const watches: string[] = [];
    api.handler = (q, s) => {
      if (!q.url?.includes("watch=1"))
        return s.end(JSON.stringify({ metadata: { resourceVersion: "5" }, items: [] }));
      watches.push(q.url); // a watch that never gets headers
    };
    const c = loopbackClient(api, api.port["http/1.1"], { timeoutMs: 300 });
    const informer = new Informer(c, {
      name: "ns",
      path: "/api/v1/namespaces",
      slim: () => undefined,
    });
    try {
      await informer.start();
      await until(() => watches.length >= 2, 3000, "the informer watched again");
      expect(watches.every(u => u.includes("resourceVersion=5"))).toBe(true);
    } finally {
      informer.stop();
      c.close();
    }
  });
});

describe("watchStream's socket", () => {
  it("has TCP keep-alive", async () => {
    const keepAlive = jest.spyOn(tls.TLSSocket.prototype, "setKeepAlive");
    api.handler = (_q, s) => {
      s.writeHead(200, { "Content-Type": "application/json" });
      s.end(
        `${JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: "7" } } })}\n`,
      );
    };
    const events: unknown[] = [];
    const c = loopbackClient(api, api.port["http/1.1"], { timeoutMs: 2000 });
    try {
      await watchStream(
        c,
        options(e => events.push(e.type)),
        new AbortController().signal,
      );
      expect(events).toEqual(["BOOKMARK"]); // the stream really went over that socket
      expect(keepAlive).toHaveBeenCalledWith(true, 30_000);
    } finally {
      keepAlive.mockRestore();
      c.close();
    }
  });
});

describe("watchStream's events", () => {
  const line = (type: string, name: string, rv: string) =>
    `${JSON.stringify({ type, object: { metadata: { name, resourceVersion: rv } } })}\n`;

  it("asks to resume from its version with bookmarks, and delivers events split across chunks in order", async () => {
    let url = "";
    api.handler = (q, s) => {
      url = q.url ?? "";
      s.writeHead(200, { "Content-Type": "application/json" });
      const two = line("ADDED", "a", "2") + line("MODIFIED", "a", "3");
      s.write(two.slice(0, 20)); // half an event ...
      setTimeout(() => {
        s.write(two.slice(20) + "\n"); // ... its end, the next one and an empty line
        s.end(line("BOOKMARK", "", "4"));
      }, 20);
    };
    const seen: string[] = [];
    const c = loopbackClient(api, api.port["http/1.1"], { timeoutMs: 2000 });
    try {
      await watchStream(
        c,
        options(e =>
          seen.push(
            `${e.type} ${(e.object as { metadata: { resourceVersion: string } }).metadata.resourceVersion}`,
          ),
        ),
        new AbortController().signal,
      );
    } finally {
      c.close();
    }
    expect(seen).toEqual(["ADDED 2", "MODIFIED 3", "BOOKMARK 4"]);
    const q = new URL(url, "https://x").searchParams;
    expect([q.get("watch"), q.get("allowWatchBookmarks"), q.get("resourceVersion")]).toEqual([
      "1",
      "true",
      "1",
    ]);
  });

  it("fails with the answer's status (410 Gone: the informer relists)", async () => {
    api.handler = (_q, s) => {
      s.writeHead(410, { "Content-Type": "application/json" });
      s.end(JSON.stringify({ kind: "Status", code: 410, reason: "Expired", message: "too old" }));
    };
    const c = loopbackClient(api, api.port["http/1.1"], { timeoutMs: 2000 });
    try {
      await expect(watchStream(c, options(), new AbortController().signal)).rejects.toMatchObject({
        status: 410,
      });
    } finally {
      c.close();
    }
  });

  it("fails when a line is not an event, delivering none after it", async () => {
    api.handler = (_q, s) => {
      s.writeHead(200, { "Content-Type": "application/json" });
      s.write(`${line("ADDED", "a", "2")}not json\n${line("ADDED", "b", "3")}`);
    };
    const seen: string[] = [];
    const c = loopbackClient(api, api.port["http/1.1"], { timeoutMs: 2000 });
    try {
      const watch = watchStream(
        c,
        options(e => seen.push(e.type)),
        new AbortController().signal,
      );
      await expect(settledWithin(watch, 3000)).rejects.toThrow(/JSON/);
    } finally {
      c.close();
    }
    expect(seen).toEqual(["ADDED"]);
  });
});
