// How a request reaches the apiserver. By default HTTP/2 (transport-h2.ts) when the server offers it, as
// kube-apiserver does: many requests in flight over one or two connections. A server (or proxy) that does not,
// or CHEIRON_API_HTTP2=false, gets HTTP/1.1: a keep-alive pool with a fixed bound (below).
import https from "node:https";
import { ApiError } from "./api-error";

export interface WireRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Deadline for the whole exchange, response body included. */
  timeoutMs: number;
  /** "METHOD path" for error messages (no query: it never holds a credential, but it is noise). */
  label: string;
}

export interface WireResponse {
  status: number;
  text: string;
  retryAfter?: string;
}

export interface Transport {
  readonly protocol: "h2" | "http/1.1";
  send(r: WireRequest): Promise<WireResponse>;
  close(): void;
}

export const networkError = (label: string, e: unknown) =>
  e instanceof ApiError
    ? e
    : new ApiError(`${label}: ${(e as Error)?.message ?? String(e)}`, 0, "NetworkError");

export const timeoutError = (label: string, ms: number) =>
  new ApiError(`${label}: no answer within ${ms} ms`, 0, "Timeout");

/** HTTP/1.1 over a keep-alive agent: at most maxConnections sockets, requests beyond wait for one. */
export class H1Transport implements Transport {
  readonly protocol = "http/1.1";
  readonly agent: https.Agent;

  constructor(maxConnections: number, tlsOptions: https.AgentOptions) {
    this.agent = new https.Agent({
      keepAlive: true,
      keepAliveMsecs: 30_000,
      maxSockets: maxConnections,
      maxTotalSockets: maxConnections,
      maxFreeSockets: maxConnections,
      scheduling: "lifo",
      ...tlsOptions,
    });
  }

  send(r: WireRequest): Promise<WireResponse> {
    return new Promise<WireResponse>((resolve, reject) => {
      const req = https.request(
        r.url,
        { method: r.method, headers: r.headers, agent: this.agent },
        res => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", e => reject(networkError(r.label, e)));
          res.on("end", () => {
            clearTimeout(timer);
            const retry = res.headers["retry-after"];
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString("utf8"),
              retryAfter: Array.isArray(retry) ? retry[0] : retry,
            });
          });
        },
      );
      const timer = setTimeout(() => req.destroy(timeoutError(r.label, r.timeoutMs)), r.timeoutMs);
      req.on("error", e => {
        clearTimeout(timer);
        reject(networkError(r.label, e));
      });
      req.end(r.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
