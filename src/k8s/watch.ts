// One watch stream: GET ...?watch=1 on a socket of its own (never a pooled one), newline-delimited events.
// The server ends each stream after timeoutSeconds; an idle stream (no event, no bookmark) is cut after
// idleMs so a silently dead connection is noticed. The caller (informer.ts) resumes or relists.
import https from "node:https";
import type { ApiClient } from "./client";
import { toApiError } from "./api-error";

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
  await new Promise<void>((resolve, reject) => {
    let idle: NodeJS.Timeout | undefined;
    const req = https.request(url, { headers, agent: agentFor(client), signal }, res => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        let text = "";
        res.on("data", c => (text += c));
        res.on("end", () =>
          reject(toApiError("WATCH", opts.path, status, text, res.headers["retry-after"])),
        );
        return;
      }
      let buffer = "";
      const touch = () => {
        clearTimeout(idle);
        idle = setTimeout(() => req.destroy(new Error("watch idle")), opts.idleMs);
      };
      touch();
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
        clearTimeout(idle);
        resolve();
      });
      res.on("error", e => {
        clearTimeout(idle);
        reject(e);
      });
    });
    req.on("error", e => {
      clearTimeout(idle);
      reject(e);
    });
    req.end();
  });
}
