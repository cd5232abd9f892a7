// Reads the apiserver's audit log incrementally (it grows to ~100 MB at N = 5,000) and keeps only what the
// scale benchmark counts: every request of the module's identity, and the creates of Namespaces and
// ServiceAccounts (for the new-namespace latency). The harness policy logs every write of every user and
// the get/list/watch of MODULE_USER, at Metadata level, with both timestamps.
import { AuditLines, micros, WRITE_VERBS } from "../test/harness/audit";
import { MODULE_USER } from "../test/harness/control-plane";
import { sleep } from "../test/harness/proc";

export interface Event {
  auditID: string;
  verb: string;
  user: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  code: number;
  /** requestReceivedTimestamp and stageTimestamp, in epoch ms with microseconds as the fraction. */
  received: number;
  done: number;
  /** The mutating webhook's audit annotation said it changed the object (a create it was called for). */
  mutated: boolean;
}

export class AuditTail {
  /** Module requests by auditID (a watch is logged twice: the later stage wins). */
  readonly module = new Map<string, Event>();
  readonly namespaceCreates = new Map<string, Event>();
  /** "<namespace>/<name>" -> the last create of that ServiceAccount. */
  readonly saCreates = new Map<string, Event>();
  private readonly lines: AuditLines;

  constructor(file: string) {
    this.lines = new AuditLines(file);
  }

  /** Reads whatever the apiserver appended since the last call. */
  poll() {
    this.lines.poll(line => this.take(line));
  }

  private take(line: string) {
    const isModule = line.includes(`"username":"${MODULE_USER}"`);
    const isCreate = line.includes(`"verb":"create"`);
    if (!isModule && !isCreate) return;
    const raw = JSON.parse(line);
    const ref = raw.objectRef ?? {};
    const notes: Record<string, string> = raw.annotations ?? {};
    const e: Event = {
      auditID: raw.auditID,
      verb: raw.verb,
      user: raw.user?.username ?? "",
      resource: ref.resource ?? "",
      subresource: ref.subresource ?? "",
      namespace: ref.namespace ?? "",
      name: ref.name ?? "",
      code: raw.responseStatus?.code ?? 0,
      received: micros(raw.requestReceivedTimestamp),
      done: micros(raw.stageTimestamp),
      mutated: Object.entries(notes).some(
        ([k, v]) => k.startsWith("mutation.webhook.admission") && v.includes(`"mutated":true`),
      ),
    };
    if (e.user === MODULE_USER) this.module.set(e.auditID, e);
    if (e.verb !== "create" || e.code >= 300) return;
    if (e.resource === "namespaces" && !e.subresource) this.namespaceCreates.set(e.name, e);
    if (e.resource === "serviceaccounts" && !e.subresource)
      this.saCreates.set(`${e.namespace}/${e.name}`, e);
  }

  /** Module requests received in [fromMs, toMs]. */
  moduleCalls(fromMs: number, toMs = Infinity): Event[] {
    this.poll();
    return [...this.module.values()].filter(e => e.received >= fromMs && e.received <= toMs);
  }

  /** Waits until the module has made no request for quietMs (at most maxMs); returns when it was quiet. */
  async waitQuiet(
    sinceMs: number,
    quietMs = 3000,
    maxMs = 60_000,
    writesOnly = false,
  ): Promise<number> {
    const deadline = Date.now() + maxMs;
    for (;;) {
      const calls = this.moduleCalls(sinceMs).filter(
        e => !writesOnly || WRITE_VERBS.includes(e.verb),
      );
      const last = Math.max(sinceMs, ...calls.filter(e => e.verb !== "watch").map(e => e.done));
      if (Date.now() - last >= quietMs || Date.now() > deadline) return last;
      await sleep(250);
    }
  }
}

/** Writes to Secrets and ServiceAccounts (the work), events, status, and every other write. */
export function classifyWrites(calls: Event[]) {
  const writes = calls.filter(e => WRITE_VERBS.includes(e.verb));
  const work = writes.filter(
    e => !e.subresource && (e.resource === "secrets" || e.resource === "serviceaccounts"),
  );
  const events = writes.filter(e => e.resource === "events");
  const status = writes.filter(e => e.subresource === "status");
  const other = writes.length - work.length - events.length - status.length;
  const failed = work.filter(e => e.code >= 300).length;
  return {
    work: work.length,
    secrets: work.filter(e => e.resource === "secrets").length,
    serviceAccounts: work.filter(e => e.resource === "serviceaccounts").length,
    failed,
    events: events.length,
    status: status.length,
    other,
  };
}

/** Reads (get, list) and writes, watches excluded: what the module did while nothing changed. */
export function countRequests(calls: Event[]) {
  const reads = calls.filter(e => e.verb === "get" || e.verb === "list");
  const writes = calls.filter(e => WRITE_VERBS.includes(e.verb));
  const what = new Map<string, number>();
  for (const e of [...reads, ...writes]) {
    const key = `${e.verb} ${e.resource}${e.subresource ? "/" + e.subresource : ""}`;
    what.set(key, (what.get(key) ?? 0) + 1);
  }
  return { reads: reads.length, writes: writes.length, what: Object.fromEntries(what) };
}
