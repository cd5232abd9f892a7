// One watch stream: GET ...?watch=1 on a socket of its own (never a pooled one, TCP keep-alive on),
// newline-delimited events. The response headers must arrive within the client's request deadline
// (CHEIRON_API_TIMEOUT_MS: a connection, handshake or apiserver/load balancer that hangs is noticed); the server
// ends each stream after timeoutSeconds; an idle stream (no event, no bookmark) is cut after idleMs so a silently
// dead connection is noticed. Each of these fails the stream as a broken watch: the caller (informer.ts) resumes
// or relists.
import https from "node:https";
import { Log } from "pepr";
import type { ApiClient } from "./client";
import { ApiError, toApiError } from "./api-error";
import { TCP_KEEPALIVE_MS } from "./transport";

export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

export interface WatchStreamOptions {
  path: string;
  query: Record<string, string | number | boolean | undefined>;
  resourceVersion: string;
  /** Server-side stream length; the apiserver closes it then (default 300 s + jitter). */
  timeoutSeconds: number;
  /** Cut the stream when nothing arrived for this long (bookmarks arrive about every minute). */
  idleMs: number;
  accept?: string;
  onEvent: (e: WatchEvent<unknown>) => void;
}

/** One agent for every watch: no pooling, so each stream has its own socket and closes with it. */
const watchAgents = new WeakMap<ApiClient, https.Agent>();
function agentFor(client: ApiClient): https.Agent {
  let agent = watchAgents.get(client);
  if (!agent) {
    agent = new https.Agent({ keepAlive: false, ...client.tlsOptions() });
    watchAgents.set(client, agent);
  }
  return agent;
}

/** Resolves when the stream ends normally; rejects with an ApiError (e.g. 410) or a network error. */
export async function watchStream(
  client: ApiClient,
  opts: WatchStreamOptions,
  signal: AbortSignal,
): Promise<void> {
  const url = client.url(opts.path, {
    ...opts.query,
    watch: 1,
    allowWatchBookmarks: true,
    resourceVersion: opts.resourceVersion,
    timeoutSeconds: opts.timeoutSeconds,
  });
  const headers: Record<string, string> = { Accept: opts.accept ?? "application/json" };
  const auth = await client.config.authorization();
  if (auth) headers.Authorization = auth;
  const headerMs = Math.min(opts.idleMs, client.timeoutMs);
  await new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    /** Cuts the stream when `ms` pass without the next sign of life (headers, then any chunk). */
    const deadline = (ms: number, why: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        Log.warn({ path: opts.path, why }, "Cheiron watch cut; it is watched again");
        req.destroy(new ApiError(`WATCH ${opts.path}: ${why}`, 0, "Timeout"));
      }, ms);
    };
    const req = https.request(url, { headers, agent: agentFor(client), signal }, res => {
      const touch = () => deadline(opts.idleMs, `nothing received for ${opts.idleMs} ms`);
      touch();
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        let text = "";
        res.on("data", c => (touch(), (text += c)));
        res.on("end", () => {
          clearTimeout(timer);
          reject(toApiError("WATCH", opts.path, status, text, res.headers["retry-after"]));
        });
        return;
      }
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        touch();
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (!line.trim()) continue;
          try {
            opts.onEvent(JSON.parse(line) as WatchEvent<unknown>);
          } catch (e) {
            req.destroy(e as Error);
            return;
          }
        }
      });
      res.on("end", () => {
        clearTimeout(timer);
        resolve();
      });
      res.on("error", e => {
        clearTimeout(timer);
        reject(e);
      });
    });
    deadline(headerMs, `no response headers within ${headerMs} ms`);
    req.on("socket", socket => socket.setKeepAlive(true, TCP_KEEPALIVE_MS));
    req.on("error", e => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}
