// The HTTP/2 exchange's errors on a loopback HTTP/2 server: how often a refused stream is sent again, and that a
// stream reset once the server has answered is never sent again, nor taken for an answer.
import http2 from "node:http2";
import { loopbackClient, useLoopbackApi } from "../../test/harness/loopback-api";

const api = useLoopbackApi();
const stream = (q: unknown) => (q as http2.Http2ServerRequest).stream;

describe("ApiClient over HTTP/2, a stream the server ends", () => {
  it("refused unprocessed every time: sent three times in all, then a network error", async () => {
    let seen = 0;
    api.handler = q => {
      seen++;
      stream(q).close(http2.constants.NGHTTP2_REFUSED_STREAM);
    };
    const c = loopbackClient(api, api.port.h2);
    try {
      await expect(c.create("/made", {})).rejects.toMatchObject({ reason: "NetworkError" });
      expect(seen).toBe(3);
    } finally {
      c.close();
    }
  });

  it("reset after its response headers: not sent again, and a network error, not a truncated answer", async () => {
    const seen: string[] = [];
    api.handler = (q, s) => {
      seen.push(q.url ?? "");
      if (q.url?.startsWith("/after")) return s.end("{}");
      s.writeHead(200, { "content-type": "application/json" });
      s.write(
        '{"items": [',
        () => stream(q).close(http2.constants.NGHTTP2_REFUSED_STREAM), // even with the "refused" code
      );
    };
    const c = loopbackClient(api, api.port.h2, { http2Connections: 1 });
    try {
      await expect(c.create("/made", {})).rejects.toMatchObject({ reason: "NetworkError" });
      expect(seen).toEqual(["/made?fieldManager=cheiron"]);
      await expect(c.get("/after")).resolves.toEqual({}); // the connection carries on
    } finally {
      c.close();
    }
  });
});
