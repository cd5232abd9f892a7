// Small process and network helpers for the harness: every process logs to a file whose tail a failure shows.
import { ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { join } from "node:path";

export interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  exitCode: number | null;
  tail(lines?: number): string;
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export function tailFile(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Starts a process in its own process group, output to <dir>/<name>.log. */
export function startProc(
  name: string,
  cmd: string,
  dir: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Proc {
  const logFile = join(dir, `${name}.log`);
  const fd = openSync(logFile, "a");
  const child = spawn(cmd, args, {
    cwd: opts.cwd ?? dir,
    env: opts.env ?? process.env,
    stdio: ["ignore", fd, fd],
    detached: true,
  });
  closeSync(fd);
  const proc: Proc = {
    name,
    child,
    logFile,
    exitCode: null,
    tail: (lines = 40) => `--- ${name} (${logFile}) ---\n${tailFile(logFile, lines)}`,
  };
  child.on("exit", (code, signal) => (proc.exitCode = code ?? (signal ? 128 : -1)));
  child.on("error", () => (proc.exitCode = -1));
  return proc;
}

/** SIGTERM to the process group, SIGKILL after 10 s. */
export async function stopProc(p: Proc): Promise<void> {
  if (p.exitCode !== null || p.child.pid === undefined) return;
  const pid = p.child.pid;
  const exited = new Promise<void>(r => p.child.once("exit", () => r()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function httpsGet(
  url: string,
  opts: { token?: string; ca?: Buffer; insecure?: boolean } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "GET",
        // A connection of its own: a probe never reuses a pooled socket a previous test left behind.
        agent: false,
        ca: opts.ca,
        rejectUnauthorized: !opts.insecure,
        headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {},
        timeout: 5000,
      },
      res => {
        let body = "";
        res.on("data", c => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Waits until `url` answers 200 (a module's /healthz: Pepr binds it once its store is ready). Throws when the
 * process exits first, or, after `stop` (default stopProc), when timeoutMs has passed.
 */
export async function untilHealthy(
  proc: Proc,
  url: string,
  opts: {
    tls: { ca?: Buffer; insecure?: boolean };
    timeoutMs: number;
    pollMs?: number;
    /** Who is waited for, in the errors (default the process's name). */
    what?: string;
    exitedMessage?: string;
    tailLines?: number;
    stop?: () => Promise<void>;
  },
): Promise<void> {
  const what = opts.what ?? proc.name;
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (proc.exitCode !== null)
      throw new Error(
        `${what} exited (${proc.exitCode})${opts.exitedMessage ?? ""}\n${proc.tail(opts.tailLines ?? 60)}`,
      );
    const ok = await httpsGet(url, opts.tls)
      .then(r => r.status === 200)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) {
      await (opts.stop ? opts.stop() : stopProc(proc));
      throw new Error(`${what} did not serve /healthz in time\n${proc.tail(opts.tailLines ?? 60)}`);
    }
    await sleep(opts.pollMs ?? 250);
  }
}
