// What the as-deployed run asserts after its scenarios, as pure functions over what it collected: the module's
// API requests from the audit log against the RBAC rules of the generated manifest (no 403, no rule unused), and
// every text the module produced against every credential of the run.
import type { AuditEvent } from "../harness/audit";

export interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** "group/resource[/subresource] verb" for every combination a rule grants (resourceNames noted, not split). */
export function grants(rules: Rule[]): string[] {
  const out = new Set<string>();
  for (const r of rules)
    for (const g of r.apiGroups ?? [])
      for (const res of r.resources ?? [])
        for (const v of r.verbs)
          out.add(
            `${g}/${res} ${v}${r.resourceNames?.length ? ` (names ${r.resourceNames.join(",")})` : ""}`,
          );
  return [...out].sort();
}

const resourceOf = (e: AuditEvent) =>
  `${e.objectRef?.apiGroup ?? ""}/${e.objectRef?.resource ?? ""}${e.objectRef?.subresource ? `/${e.objectRef.subresource}` : ""}`;

/**
 * What the user's requests used, in the same form as grants(): a server-side apply that created its object
 * (patch, 201) was authorized as create too. Named requests are matched to a resourceNames rule when one
 * lists the name.
 */
export function used(events: AuditEvent[], user: string, rules: Rule[]): Set<string> {
  const out = new Set<string>();
  for (const e of events.filter(
    x => x.user?.username === user && (x.responseStatus?.code ?? 0) < 400,
  )) {
    const verbs =
      e.verb === "patch" && e.responseStatus?.code === 201 ? ["patch", "create"] : [e.verb];
    const res = resourceOf(e);
    for (const v of verbs) {
      const named = rules.find(
        r =>
          r.resourceNames?.includes(e.objectRef?.name ?? "") &&
          r.verbs.includes(v) &&
          (r.resources ?? []).some(x => `${(r.apiGroups ?? [""])[0]}/${x}` === res),
      );
      out.add(named ? `${res} ${v} (names ${named.resourceNames!.join(",")})` : `${res} ${v}`);
    }
  }
  return out;
}

/** Requests of the user the apiserver refused for lack of permission. */
export const forbidden = (events: AuditEvent[], user: string) =>
  events
    .filter(e => e.user?.username === user && e.responseStatus?.code === 403)
    .map(e => `${e.verb} ${e.requestURI}`);

/** Every (text name, credential) pair where the text contains the credential. */
export function leaks(texts: Record<string, string>, credentials: string[]): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(texts))
    for (const c of credentials)
      if (c && text.includes(c))
        found.push(`${where} contains ${c.slice(0, 4)}… (${c.length} chars)`);
  return found;
}

/** A password and every form the run could write it in: base64 of user:password, and the JSON-escaped text. */
export function forms(username: string, password: string): string[] {
  return [
    password,
    Buffer.from(`${username}:${password}`).toString("base64"),
    JSON.stringify(password).slice(1, -1),
  ];
}
