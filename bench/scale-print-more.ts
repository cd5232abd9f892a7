// The scale benchmark's tables of CPU-seconds per 1,000 writes (bench/scale-cpu-rows.ts) and of the
// many-managers phase (bench/scale-many.ts); the main table is bench/scale-print.ts.
import { buildCpuRows } from "./scale-cpu-rows";
import type { Run } from "./scale-report";

const f = (v: number, d = 2, w = 9) => (Number.isFinite(v) ? v.toFixed(d) : "-").padStart(w);

export function printCpuTable(run: Run) {
  console.log(
    "CPU-seconds per 1,000 writes (utime + stime from /proc/<pid>/stat over each phase; floor client: the benchmark process making the floor's writes)",
  );
  console.log(
    "     N  phase                                        writes   watcher  admission  floor client  apiserver",
  );
  for (const r of run.results)
    for (const x of buildCpuRows(r))
      console.log(
        `${String(r.n).padStart(6)}  ${x.phase.padEnd(42)} ${String(x.writes).padStart(8)} ${f(x.watcher, 3)} ` +
          `${f(x.admission, 3, 10)} ${f(x.client, 3, 13)} ${f(x.apiserver, 3, 10)}`,
      );
}

export function printManyTable(run: Run) {
  const rows = run.results.flatMap(r => (r.many ?? []).map(m => ({ n: r.n, m })));
  if (!rows.length) return;
  console.log(
    "Many managers applied together over the same N namespaces (pure floor: the same Secrets and the least ServiceAccount patches, no webhook, c32)",
  );
  console.log(
    "     N  managers                       cheiron s  pure floor s  x pure  Secrets / expected  SA writes  least  at most  merged",
  );
  for (const { n, m } of rows)
    console.log(
      `${String(n).padStart(6)}  ${m.label.padEnd(28)} ${f(m.seconds, 2, 10)} ${f(m.floor.seconds, 2, 13)} ` +
        `${f(m.seconds / m.floor.seconds, 2, 7)} ${`${m.secrets} / ${m.expectedSecrets}`.padStart(19)} ` +
        `${String(m.serviceAccountPatches).padStart(10)} ${String(m.leastPatches).padStart(6)} ` +
        `${String(m.mostPatches).padStart(8)} ${String(m.merged).padStart(7)}`,
    );
}
