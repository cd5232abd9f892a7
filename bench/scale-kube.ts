// A minimal Kubernetes API client for the scale benchmark: JSON requests over one keep-alive HTTPS agent
// (like bench/load.ts newAgent, but verified against the apiserver's IP SAN 127.0.0.1: its certificate has
// no DNS:localhost), a bounded-concurrency runner, and list+watch streams that keep a local view.
import { Agent, request } from "node:https";

export interface Reply {
  status: number;
  body: any;
}

export class Api {
  readonly agent: Agent;
  readonly url: URL;

  constructor(
    server: string,
    readonly token: string,
    readonly ca: Buffer,
    concurrency: number,
  ) {
    this.url = new URL(server);
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca });
  }

  /** One request; body objects are sent as JSON (contentType for patches). Never rejects on HTTP errors. */
  call(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<Reply> {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          timeout: 60_000,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: "application/json",
            ...(data ? { "content-type": contentType, "content-length": data.length } : {}),
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on("data", c => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* not JSON: keep the text */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out after 60 s`)));
      req.on("error", reject);
      req.end(data);
    });
  }

  /** Like call(), but throws unless the status is one of ok. */
  async must(method: string, path: string, body?: unknown, ok = [200, 201], type?: string) {
    const r = await this.call(method, path, body, type);
    if (!ok.includes(r.status))
      throw new Error(
        `${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`,
      );
    return r;
  }

  /** Every item of a collection, paged by 500. */
  async list(path: string): Promise<{ items: any[]; resourceVersion: string }> {
    const items: any[] = [];
    let cont = "";
    for (;;) {
      const sep = path.includes("?") ? "&" : "?";
      const page = `${path}${sep}limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`;
      const { body } = await this.must("GET", page);
      items.push(...(body.items ?? []));
      cont = body.metadata?.continue ?? "";
      if (!cont) return { items, resourceVersion: body.metadata?.resourceVersion ?? "" };
    }
  }

  close() {
    this.agent.destroy();
  }
}

/** Runs fn over items with at most `concurrency` in flight; rejects with the first error. */
export async function bounded<T>(
  items: T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export type WatchHandler = (type: string, obj: any) => void;

/**
 * List, then watch from the list's resourceVersion on its own connection; reconnects from the last
 * version when the apiserver ends the stream, and lists again after 410 Gone. Each object of the list is
 * passed as ADDED. stop() ends it.
 */
export class Watch {
  private rv = "";
  private stopped = false;
  private current?: { destroy: () => void };
  private readonly agent: Agent;

  constructor(
    private readonly api: Api,
    private readonly path: string,
    private readonly onEvent: WatchHandler,
  ) {
    this.agent = new Agent({ keepAlive: false, ca: api.ca });
  }

  async start() {
    const { items, resourceVersion } = await this.api.list(this.path);
    for (const o of items) this.onEvent("ADDED", o);
    this.rv = resourceVersion;
    this.stream();
  }

  private stream() {
    if (this.stopped) return;
    const sep = this.path.includes("?") ? "&" : "?";
    const url = this.api.url;
    const req = request({
      agent: this.agent,
      host: url.hostname,
      port: url.port,
      path: `${this.path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${this.rv}`,
      headers: { authorization: `Bearer ${this.api.token}` },
    });
    this.current = req;
    req.on("response", res => {
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim()) this.handle(JSON.parse(line) as { type: string; object: any });
        }
      });
      res.on("end", () => this.again());
      res.on("error", () => this.again());
    });
    req.on("error", () => this.again());
    req.end();
  }

  private handle(e: { type: string; object: any }) {
    if (e.type === "ERROR") {
      if (e.object?.code === 410) this.rv = "";
      return;
    }
    this.rv = e.object?.metadata?.resourceVersion ?? this.rv;
    if (e.type !== "BOOKMARK") this.onEvent(e.type, e.object);
  }

  private again() {
    if (this.stopped) return;
    this.current = undefined;
    setTimeout(() => {
      if (this.rv) this.stream();
      else void this.start().catch(() => this.again());
    }, 200);
  }

  stop() {
    this.stopped = true;
    this.current?.destroy();
    this.agent.destroy();
  }
}
