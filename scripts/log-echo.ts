// `npm start` shows what the module does: Cheiron's own log lines (messages starting with "Cheiron"), read from
// the module's log file as it grows, printed as `[cheiron] <time> <LEVEL> <message> key=value ...`. Pepr's own
// lines (its per-request logs, its startup) are left out. Only the fields Cheiron's log calls use, and that never
// carry a credential, are printed; every other field is dropped, whatever it holds.
// The log is pino JSON (a built bundle) or, under `pepr dev` (which forces PEPR_PRETTY_LOGS=true), pino-pretty:
//   [01:30:53.682] INFO (23496): Cheiron controller started
//       resyncSeconds: 3600
import { closeSync, openSync, readSync, statSync } from "node:fs";

export const PREFIX = "[cheiron] ";
export const SAFE_FIELDS = [
  "attempt",
  "crds",
  "error",
  "from",
  "informer",
  "key",
  "manager",
  "managers",
  "namespace",
  "namespaces",
  "resyncSeconds",
  "retryInMs",
  "to",
  "version",
];
const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};

export interface LogRecord {
  time: string;
  level: string;
  msg: string;
  fields: Record<string, string>;
}

const ANSI = /\x1b\[[0-9;]*m/g; // eslint-disable-line no-control-regex
const PRETTY_HEAD = /^\[(\d\d:\d\d:\d\d)(?:\.\d+)?\] ([A-Z]+) \([^)]*\): (.*)$/;
const PRETTY_FIELD = /^ {4}(\w+): (.*)$/;

const clock = (epochMs: number) => new Date(epochMs).toTimeString().slice(0, 8);
const oneLine = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Parses a chunk of log text into records (pretty records span several lines). */
export function parseLog(text: string): LogRecord[] {
  const out: LogRecord[] = [];
  let open: { rec: LogRecord; key?: string; block?: string[] } | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(ANSI, "");
    if (line.startsWith("{")) {
      try {
        const j = JSON.parse(line) as Record<string, unknown>;
        const fields: Record<string, string> = {};
        for (const [k, v] of Object.entries(j)) fields[k] = oneLine(v);
        const time = typeof j.time === "number" ? clock(j.time) : String(j.time ?? "");
        const level = LEVELS[Number(j.level)] ?? String(j.level ?? "");
        out.push({ time, level, msg: String(j.msg ?? ""), fields });
        open = undefined;
        continue;
      } catch {
        /* not JSON: fall through */
      }
    }
    const head = PRETTY_HEAD.exec(line);
    if (head) {
      open = { rec: { time: head[1], level: head[2], msg: head[3], fields: {} } };
      out.push(open.rec);
      continue;
    }
    if (!open || !line.startsWith("    ")) {
      open = undefined;
      continue;
    }
    if (open.block && open.key) {
      // an object or array value: its lines up to the closing bracket at field depth, joined on one line
      open.block.push(line.trim());
      if (/^ {4}[}\]]/.test(line)) {
        open.rec.fields[open.key] = open.block.join(" ");
        open.block = undefined;
      }
      continue;
    }
    const field = PRETTY_FIELD.exec(line);
    if (!field) continue;
    if (field[2] === "{" || field[2] === "[") open.block = [field[2]];
    else open.rec.fields[field[1]] = field[2].replace(/^"(.*)"$/, "$1");
    open.key = field[1];
  }
  return out;
}

export const isCheiron = (r: LogRecord) => r.msg.startsWith("Cheiron");

export function formatRecord(r: LogRecord): string {
  const fields = SAFE_FIELDS.filter(k => r.fields[k] !== undefined).map(k => `${k}=${r.fields[k]}`);
  return `${PREFIX}${r.time} ${r.level.padEnd(5)} ${[r.msg, ...fields].join(" ")}`;
}

/** Where the last record that may still grow starts (a pretty header line), or the end of complete lines. */
function completeUpTo(text: string, all: boolean): number {
  const end = text.lastIndexOf("\n") + 1;
  if (all) return end;
  const heads = [...text.slice(0, end).matchAll(/^\[\d\d:\d\d:\d\d/gm)];
  const last = heads.at(-1)?.index;
  return last === undefined ? end : last;
}

/**
 * Follows `file` from its start and hands every Cheiron record to `print`. A pretty record is printed once the
 * next record begins or the file has been quiet for two polls (its field lines may still be coming before that).
 * Returns a function that prints what is left and stops.
 */
export function echoCheironLog(file: string, print: (line: string) => void, everyMs = 300) {
  let offset = 0;
  let pending = "";
  let quiet = 0;
  const flush = (all: boolean) => {
    const cut = completeUpTo(pending, all);
    for (const r of parseLog(pending.slice(0, cut))) if (isCheiron(r)) print(formatRecord(r));
    pending = pending.slice(cut);
  };
  const poll = (all = false) => {
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      return;
    }
    if (size <= offset) return ++quiet >= 2 && flush(true);
    quiet = 0;
    const buf = Buffer.alloc(size - offset);
    const fd = openSync(file, "r");
    try {
      offset += readSync(fd, buf, 0, buf.length, offset);
    } finally {
      closeSync(fd);
    }
    pending += buf.toString("utf8");
    flush(all);
  };
  const timer = setInterval(() => poll(), everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    poll(true);
  };
}
