// Verdicts of issue 26 beyond the first fan-out: the many-managers phase (wrong results and its target), and the
// targets of N = 10,000 (memory of both processes in their cgroups) and of the new namespace's Cheiron part.
import type { NResult, Run } from "./scale-report";

const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : "-");
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

/** Wrong results of the many-managers phase: not converged, Secrets other than expected, patches out of bounds. */
export function manyProblems(r: NResult): string[] {
  const out: string[] = [];
  for (const m of r.many ?? []) {
    const at = `N=${r.n}, ${m.label} managers`;
    if (!m.converged) out.push(`${at}: did not converge`);
    if (m.secrets !== m.expectedSecrets)
      out.push(`${at}: ${m.secrets} Secret writes, expected ${m.expectedSecrets}`);
    const p = m.serviceAccountPatches;
    if (p < m.leastPatches || p > m.mostPatches)
      out.push(`${at}: ${p} ServiceAccount writes, outside ${m.leastPatches}..${m.mostPatches}`);
    if (m.floor.webhookCalls > 0)
      out.push(`${at}: the pure floor made ${m.floor.webhookCalls} webhook calls`);
  }
  return out;
}

/** "5 cluster managers together: <= 1.5 x the pure floor making the same writes", and the namespaced run's ratio. */
export function manyTargets(run: Run): string[] {
  const out: string[] = [];
  for (const r of run.results)
    for (const m of r.many ?? []) {
      const ratio = m.seconds / m.floor.seconds;
      const writes =
        `${m.secrets} Secrets, ${m.serviceAccountPatches} ServiceAccount writes` +
        ` (least ${m.leastPatches}, at most ${m.mostPatches}: ${m.merged} merged)`;
      const judged = m.namespacedManagers === 0;
      out.push(
        `${m.label} managers N=${r.n} time${judged ? " <= 1.5 x" : " against"} the pure floor making the same` +
          ` Secrets and the least patches (c32, ${m.floor.writes} writes): ${fmt(m.seconds)} s / ${fmt(m.floor.seconds)} s =` +
          ` ${fmt(ratio)} x${judged ? `, ${verdict(ratio <= 1.5)}` : ""}; ${writes}`,
      );
    }
  return out;
}

/** N = 10,000: peak RSS of both processes <= 256 MB inside their cgroups, no OOM; the new namespace's Cheiron part. */
export function largeTargets(run: Run): string[] {
  const out: string[] = [];
  for (const r of run.results.filter(x => x.n === 10000)) {
    for (const role of ["watcher", "admission"] as const) {
      const rss = r.cheironPeak[role].rssMB;
      const c = r.containment?.[role];
      const where = c?.limitMiB
        ? `in its ${c.limitMiB} MiB cgroup, ${c.oomKills} OOM kills`
        : "NOT in a cgroup";
      const ok = rss <= 256 && !!c?.limitMiB && c.oomKills === 0;
      out.push(
        `${role} peak RSS at N=10000 <= 256 MB: ${fmt(rss, 0)} MB (${where}), ${verdict(ok)}`,
      );
    }
  }
  for (const r of run.results.filter(x => x.newNamespaces && (x.n === 1000 || x.n === 10000))) {
    const p99 = r.newNamespaces?.secretP99Ms ?? NaN;
    out.push(
      `new namespace N=${r.n}, Cheiron's part (namespace create -> its Secret created) p99 <= 20 ms: ${fmt(p99, 1)} ms, ${verdict(p99 <= 20)}`,
    );
  }
  return out;
}
