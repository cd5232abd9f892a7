// The one reader of the apiserver's audit log (JSON lines, Metadata level), for tests and benchmarks: read it
// whole (`readAudit`) or incrementally (`AuditLines`), and pick events by user, verb, resource, namespace, name
// and time (`auditEvents`). The harness policy (control-plane.ts) logs every write of every user and the
// get/list/watch of MODULE_USER (and of `auditUsers`), with both timestamps.
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";

export interface AuditEvent {
  auditID: string;
  stage?: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  objectRef?: {
    apiGroup?: string;
    resource?: string;
    subresource?: string;
    namespace?: string;
    name?: string;
  };
  responseStatus?: { code?: number };
  annotations?: Record<string, string>;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
}

export const WRITE_VERBS = ["create", "update", "patch", "delete"];

/** The integration suite's audit log (global-setup.ts exports it), or a test's own control plane's. */
export const itAuditLog = () => process.env.CHEIRON_IT_AUDIT ?? "";

/** Every event of the log, in order. `contains`: parse only the lines holding that text (a cheap pre-filter). */
export function readAudit(file: string = itAuditLog(), contains?: string): AuditEvent[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(l => (contains === undefined ? l !== "" : l.includes(contains)))
    .map(l => JSON.parse(l) as AuditEvent);
}

export interface AuditFilter {
  user?: string;
  verbs?: readonly string[];
  resource?: string;
  namespace?: string;
  name?: string;
  /** stageTimestamp after this ISO time. */
  since?: string;
}

export const matches = (e: AuditEvent, f: AuditFilter) =>
  (f.user === undefined || e.user?.username === f.user) &&
  (f.verbs === undefined || f.verbs.includes(e.verb)) &&
  (f.resource === undefined || e.objectRef?.resource === f.resource) &&
  (f.namespace === undefined || e.objectRef?.namespace === f.namespace) &&
  (f.name === undefined || e.objectRef?.name === f.name) &&
  (f.since === undefined || e.stageTimestamp > f.since);

/** The events of `file` that match `f`. */
export const auditEvents = (f: AuditFilter, file: string = itAuditLog()) =>
  readAudit(file).filter(e => matches(e, f));

/** What the mutating webhook did to a create, from the apiserver's annotations on its event. */
export function webhookOutcome(
  e: AuditEvent | undefined,
): "mutated" | "unchanged" | "failed-open" | undefined {
  const a = e?.annotations ?? {};
  if (Object.keys(a).some(key => key.startsWith("failed-open.mutation.webhook"))) {
    return "failed-open";
  }
  const call = Object.entries(a).find(([key]) => key.startsWith("mutation.webhook.admission"));
  if (!call) return undefined;
  return (JSON.parse(call[1]) as { mutated: boolean }).mutated ? "mutated" : "unchanged";
}

/** "2026-12-01T00:03:06.233123Z" -> epoch ms with the microseconds kept. */
export function micros(ts: string): number {
  const dot = ts.indexOf(".");
  if (dot < 0) return Date.parse(ts);
  const frac = ts.slice(dot + 1, ts.length - 1);
  return Date.parse(ts.slice(0, dot) + "Z") + Number(`0.${frac}`) * 1000;
}

/** Reads a growing audit log from where the last `poll` stopped (it reaches ~100 MB in a scale run). */
export class AuditLines {
  private offset = 0;
  private rest = "";

  constructor(private readonly file: string) {}

  /** Hands each complete line the apiserver appended since the last call to `take`. */
  poll(take: (line: string) => void) {
    const size = statSync(this.file).size;
    // A shorter file was rotated under us: what it held is gone, and counting on would undercount.
    if (size < this.offset)
      throw new Error(`the audit log ${this.file} was rotated; figures would be wrong`);
    if (size === this.offset) return;
    const fd = openSync(this.file, "r");
    try {
      const chunk = 8 * 1024 * 1024;
      const buf = Buffer.alloc(chunk);
      while (this.offset < size) {
        const n = readSync(fd, buf, 0, Math.min(chunk, size - this.offset), this.offset);
        if (n <= 0) break;
        this.offset += n;
        const text = this.rest + buf.toString("utf8", 0, n);
        const lines = text.split("\n");
        this.rest = lines.pop() ?? "";
        for (const line of lines) if (line) take(line);
      }
    } finally {
      closeSync(fd);
    }
  }
}
