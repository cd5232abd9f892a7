// Cheiron's one API client: the configuration loaded once, one transport with a fixed bound on connections
// (kubernetes-fluent-client opens a new TLS connection per call and keeps it 10 minutes): streams over
// CHEIRON_API_HTTP2_CONNECTIONS HTTP/2 connections when the apiserver offers h2 (it does), or a keep-alive
// HTTP/1.1 pool of CHEIRON_API_MAX_CONNECTIONS where it does not or CHEIRON_API_HTTP2=false (docs/benchmarks.md
// has the trade-off). A deadline on every request, errors that keep their status code, fieldManager=cheiron on
// every write, 429s retried after Retry-After, and every request cancelled with the queue's run it is made in
// (cancel.ts). Watches use their own sockets (one each, see watch.ts) so a long-lived stream never holds a
// pooled connection.
import https from "node:https";
import tls from "node:tls";
import { ApiError, toApiError } from "./api-error";
import { ApiConfig, loadApiConfig } from "./config";
import { FIELD_MANAGER } from "../constants";
import { settings } from "../settings";
import { NotHttp2Error } from "./alpn";
import { currentSignal } from "./cancel";
import {
  buildTransportChoice,
  chooseTransport,
  ClientOptions,
  TransportChoice,
} from "./choose-transport";
import { networkError, Transport } from "./transport";

export { ApiError } from "./api-error";
export type { ClientOptions } from "./choose-transport";

export type PatchType = "json" | "merge";
const CONTENT_TYPES: Record<PatchType, string> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
};

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Deadline for the whole request, response body included (default: the client's). */
  timeoutMs?: number;
  /** Cancels the request (default: the signal of the queue's run it is made in, see cancel.ts). */
  signal?: AbortSignal;
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH"]);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export class ApiClient {
  /** Per-request deadline; a watch's response headers must arrive within it too (watch.ts). */
  readonly timeoutMs: number;
  private readonly maxThrottleRetries: number;
  private readonly choice: TransportChoice;
  private chosen?: Promise<Transport>;
  private transports: Transport[] = [];

  constructor(
    readonly config: ApiConfig,
    opts: ClientOptions = {},
  ) {
    const s = settings();
    this.timeoutMs = opts.timeoutMs ?? s.apiTimeoutMs;
    this.maxThrottleRetries = opts.maxThrottleRetries ?? 5;
    this.choice = buildTransportChoice(opts, s);
  }

  /**
   * TLS options for an agent: one secure context built once from the CA and client certificate. Passing `ca`,
   * `cert` and `key` to the agent instead would make it turn them into strings for the pool key of every request
   * (https.Agent.getName) and build a new context for every connection.
   */
  tlsOptions(): https.AgentOptions & tls.ConnectionOptions {
    const { ca, cert, key, rejectUnauthorized } = this.config.tls;
    this.secureContext ??= tls.createSecureContext({ ca, cert, key });
    return { secureContext: this.secureContext, rejectUnauthorized };
  }
  private secureContext?: tls.SecureContext;

  /** The transport in use: "h2" or "http/1.1" (chosen by ALPN on the first request). */
  async protocol(): Promise<string> {
    return (await this.transport()).protocol;
  }

  /** Closes every connection of the client (tests; a module process keeps its client for life). */
  close(): void {
    for (const t of this.transports) t.close();
    this.transports = [];
    this.chosen = undefined;
  }

  get<T>(path: string, query?: RequestOptions["query"]): Promise<T> {
    return this.request<T>("GET", path, { query });
  }
  create<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, { body });
  }
  patch<T>(path: string, body: unknown, type: PatchType = "json"): Promise<T> {
    return this.request<T>("PATCH", path, { body, contentType: CONTENT_TYPES[type] });
  }
  delete<T>(path: string, preconditions?: { uid?: string; resourceVersion?: string }): Promise<T> {
    const body = preconditions
      ? { apiVersion: "v1", kind: "DeleteOptions", preconditions }
      : undefined;
    return this.request<T>("DELETE", path, { body });
  }

  /** A list read page by page (`limit`, then `continue` until the last page); yields each page. */
  async *pages<T>(
    path: string,
    query: RequestOptions["query"],
    limit: number,
  ): AsyncGenerator<{ metadata?: { resourceVersion?: string; continue?: string }; items?: T[] }> {
    let cont: string | undefined;
    do {
      const page = await this.get<{
        metadata?: { resourceVersion?: string; continue?: string };
        items?: T[];
      }>(path, { ...query, limit, continue: cont });
      yield page;
      cont = page.metadata?.continue || undefined;
    } while (cont);
  }

  /** One request; a 429 waits for Retry-After (within the deadline) and is tried again. */
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const deadline = Date.now() + (opts.timeoutMs ?? this.timeoutMs);
    const signal = opts.signal ?? currentSignal();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(method, path, { ...opts, signal }, deadline);
      } catch (e) {
        const err = e as ApiError;
        if (err.status === 401 && attempt === 1) {
          this.config.invalidate(); // a rotated token: read it again and retry once
          continue;
        }
        const wait = (err.retryAfterSeconds ?? 1) * 1000;
        const throttled = err.status === 429 && attempt <= this.maxThrottleRetries;
        if (!throttled || Date.now() + wait >= deadline) throw e;
        await sleep(wait);
      }
    }
  }

  url(path: string, query: RequestOptions["query"] = {}): URL {
    return new URL(this.target(path, query), this.config.server);
  }

  /** Path and query string of a request (no URL object: a fan-out sends thousands of these). */
  target(path: string, query: RequestOptions["query"] = {}): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return qs ? `${path}?${qs}` : path;
  }

  private async once<T>(
    method: string,
    path: string,
    opts: RequestOptions,
    deadline: number,
  ): Promise<T> {
    const query = { ...(opts.query ?? {}) };
    if (WRITE_METHODS.has(method)) query.fieldManager = FIELD_MANAGER;
    const target = this.target(path, query);
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { Accept: "application/json" };
    const auth = await this.config.authorization();
    if (auth) headers.Authorization = auth;
    if (body !== undefined) {
      headers["Content-Type"] = opts.contentType ?? "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(body));
    }
    const label = `${method} ${path}`;
    const wire = { method, path: target, headers, body, label, signal: opts.signal };
    for (let attempt = 1; ; attempt++) {
      const timeoutMs = Math.max(1, deadline - Date.now());
      let res;
      try {
        res = await (await this.transport()).send({ ...wire, timeoutMs });
      } catch (e) {
        if (e instanceof NotHttp2Error && attempt === 1) {
          this.chosen = undefined; // the server stopped offering h2 (a proxy changed): choose again
          continue;
        }
        throw networkError(label, e);
      }
      if (res.status >= 200 && res.status < 300)
        return (res.text ? JSON.parse(res.text) : undefined) as T;
      throw toApiError(method, path, res.status, res.text, res.retryAfter);
    }
  }

  private transport(): Promise<Transport> {
    this.chosen ??= chooseTransport(this.config.server, this.tlsOptions(), this.choice).then(
      t => (this.transports.push(t), t),
      e => {
        this.chosen = undefined;
        throw e;
      },
    );
    return this.chosen;
  }
}

let shared: ApiClient | undefined;

/** The process's client, created on first use (never at import time, so `pepr build` makes no call). */
export function apiClient(): ApiClient {
  shared ??= new ApiClient(loadApiConfig());
  return shared;
}

/** Test seam: use this client for the process. */
export function setApiClient(client: ApiClient | undefined): void {
  shared = client;
}
