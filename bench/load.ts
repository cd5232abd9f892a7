// A fixed-concurrency load loop over one keep-alive HTTPS agent on loopback. Bodies are serialised before
// the clock starts; each latency is from sending a request to the end of its response.
import { Agent, request } from "node:https";
import { performance } from "node:perf_hooks";
import { PORT } from "../test/harness/built-module";
import type { ReviewResponse } from "./reviews";

export function newAgent(ca: Buffer, concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency, ca, servername: "localhost" });
}

function post(agent: Agent, path: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        servername: "localhost",
        port: PORT,
        method: "POST",
        path,
        headers: { "content-type": "application/json", "content-length": body.length },
        timeout: 10_000,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on("data", c => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out after 10 s")));
    req.on("error", reject);
    req.end(body);
  });
}

export interface LoadResult {
  latenciesMs: number[];
  failures: string[];
  seconds: number;
  sample?: ReviewResponse;
}

/**
 * Sends bodies[] to path with `concurrency` requests in flight. check() returns a problem or undefined.
 * Stops early (with a failure) once deadlineMs has passed.
 */
export async function runLoad(opts: {
  agent: Agent;
  path: string;
  bodies: Buffer[];
  concurrency: number;
  deadlineMs: number;
  check: (r: ReviewResponse, i: number) => string | undefined;
}): Promise<LoadResult> {
  const out: LoadResult = { latenciesMs: [], failures: [], seconds: 0 };
  const stopAt = Date.now() + opts.deadlineMs;
  let next = 0;
  const worker = async () => {
    while (next < opts.bodies.length && Date.now() < stopAt && out.failures.length < 20) {
      const i = next++;
      const t0 = performance.now();
      try {
        const res = await post(opts.agent, opts.path, opts.bodies[i]);
        out.latenciesMs.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
        const review = (JSON.parse(res.text) as { response?: ReviewResponse }).response ?? {};
        const problem = opts.check(review, i);
        if (problem) out.failures.push(`request ${i}: ${problem}`);
        out.sample ??= review;
      } catch (e) {
        out.failures.push(`request ${i}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  out.seconds = (performance.now() - t0) / 1000;
  if (out.latenciesMs.length < opts.bodies.length && out.failures.length === 0)
    out.failures.push(
      `only ${out.latenciesMs.length} of ${opts.bodies.length} before the deadline`,
    );
  return out;
}

/** Nearest-rank percentile of a list of numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
