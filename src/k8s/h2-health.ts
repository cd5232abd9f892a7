// The health of one HTTP/2 connection, judged as client-go judges it (ReadIdleTimeout, PingTimeout): when nothing
// was read on it for readIdleMs, it is sent a PING; no answer within pingTimeoutMs and it is declared dead. A slow
// request says nothing about its connection (its own deadline cancels that stream alone).
import type http2 from "node:http2";

export interface HealthOptions {
  readIdleMs: number;
  pingTimeoutMs: number;
}

export interface Health {
  /** Something arrived on the connection (a response, a body chunk). */
  read(): void;
  stop(): void;
}

/** Watches `session` until stop(); `dead` is called once, with the reason, when a PING goes unanswered. */
export function watchHealth(
  session: http2.ClientHttp2Session,
  opts: HealthOptions,
  dead: (why: string) => void,
): Health {
  let lastRead = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(check, ms);
    timer.unref(); // an idle connection never keeps the process alive
  };
  const fail = (why: string) => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    dead(why);
  };
  const check = () => {
    const idle = Date.now() - lastRead;
    if (idle < opts.readIdleMs) return arm(opts.readIdleMs - idle);
    timer = setTimeout(
      () => fail(`no answer to a PING within ${opts.pingTimeoutMs} ms`),
      opts.pingTimeoutMs,
    );
    timer.unref();
    try {
      session.ping(err => {
        if (stopped) return;
        if (err) return fail(`PING failed: ${err.message}`);
        clearTimeout(timer);
        lastRead = Date.now();
        arm(opts.readIdleMs);
      });
    } catch (e) {
      fail(`PING failed: ${(e as Error).message}`);
    }
  };
  arm(opts.readIdleMs);
  return {
    read: () => (lastRead = Date.now()),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
