// How a request reaches the apiserver. By default HTTP/2 (transport-h2.ts) when the server offers it, as
// kube-apiserver does: many requests in flight over one or two connections. A server (or proxy) that does not,
// or CHEIRON_API_HTTP2=false, gets HTTP/1.1: a keep-alive pool with a fixed bound (below).
import https from "node:https";
import { urlToHttpOptions } from "node:url";
import { ApiError } from "./api-error";

export interface WireRequest {
  method: string;
  /** Path and query ("/api/v1/...?fieldManager=cheiron"), sent to the transport's server. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Deadline for the whole exchange, the wait for a connection and the response body included. */
  timeoutMs: number;
  /** Cancels the request (the run that made it passed its deadline, see cancel.ts). */
  signal?: AbortSignal;
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

/** TCP keep-alive probes after this long without traffic, on every connection to the apiserver (watches too). */
export const TCP_KEEPALIVE_MS = 30_000;

export const networkError = (label: string, e: unknown) =>
  e instanceof ApiError
    ? e
    : new ApiError(`${label}: ${(e as Error)?.message ?? String(e)}`, 0, "NetworkError");

export const timeoutError = (label: string, ms: number) =>
  new ApiError(`${label}: no answer within ${ms} ms`, 0, "Timeout");

/** A request that never left (its deadline passed, or it was cancelled, while it waited): safe to send again. */
export class NotSentError extends ApiError {
  readonly sent = false;
}

export type Stop = "timeout" | "cancel";

/** The error of a request stopped by its deadline ("Timeout") or its signal ("Canceled"). */
export function stoppedError(r: WireRequest, why: Stop, sent: boolean): ApiError {
  if (!sent)
    return why === "timeout"
      ? new NotSentError(
          `${r.label}: not sent: no free connection within ${r.timeoutMs} ms`,
          0,
          "Timeout",
        )
      : new NotSentError(`${r.label}: not sent: cancelled (${reasonOf(r.signal)})`, 0, "Canceled");
  return why === "timeout"
    ? timeoutError(r.label, r.timeoutMs)
    : new ApiError(`${r.label}: cancelled (${reasonOf(r.signal)})`, 0, "Canceled");
}
const reasonOf = (signal?: AbortSignal) =>
  signal?.reason instanceof Error ? signal.reason.message : String(signal?.reason);

/** Calls `stop` once: at the request's deadline, or when its signal aborts (now, if it has). Returns the disarm. */
export function armDeadline(r: WireRequest, stop: (why: Stop) => void): () => void {
  if (r.signal?.aborted) {
    stop("cancel");
    return () => undefined;
  }
  const timer = setTimeout(() => stop("timeout"), r.timeoutMs);
  const onAbort = () => stop("cancel");
  r.signal?.addEventListener("abort", onAbort, { once: true });
  return () => {
    clearTimeout(timer);
    r.signal?.removeEventListener("abort", onAbort);
  };
}

/** HTTP/1.1 over a keep-alive agent: at most maxConnections sockets, requests beyond wait for one. */
export class H1Transport implements Transport {
  readonly protocol = "http/1.1";
  readonly agent: https.Agent;
  private readonly origin: https.RequestOptions;

  constructor(server: URL, maxConnections: number, tlsOptions: https.AgentOptions) {
    const { protocol, hostname, port } = urlToHttpOptions(server);
    this.origin = { protocol, hostname, port };
    this.agent = new https.Agent({
      keepAlive: true,
      keepAliveMsecs: TCP_KEEPALIVE_MS,
      maxSockets: maxConnections,
      maxTotalSockets: maxConnections,
      maxFreeSockets: maxConnections,
      scheduling: "lifo",
      ...tlsOptions,
    });
  }

  send(r: WireRequest): Promise<WireResponse> {
    return new Promise<WireResponse>((resolve, reject) => {
      if (r.signal?.aborted) return reject(stoppedError(r, "cancel", false));
      let settled = false;
      /** A socket was assigned: from then on the request may have reached the server. */
      let sent = false;
      const settle = (then: () => void) => {
        if (settled) return;
        settled = true;
        disarm();
        then();
      };
      const req = https.request(
        { ...this.origin, path: r.path, method: r.method, headers: r.headers, agent: this.agent },
        res => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", e => settle(() => reject(networkError(r.label, e))));
          res.on("end", () => {
            const retry = res.headers["retry-after"];
            settle(() =>
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString("utf8"),
                retryAfter: Array.isArray(retry) ? retry[0] : retry,
              }),
            );
          });
        },
      );
      req.on("socket", () => (sent = true));
      // A request still waiting for a socket leaves the agent's queue unsent when destroyed.
      const disarm = armDeadline(r, why => {
        const e = stoppedError(r, why, sent);
        settle(() => reject(e));
        req.destroy(e);
      });
      req.on("error", e => settle(() => reject(networkError(r.label, e))));
      req.end(r.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
