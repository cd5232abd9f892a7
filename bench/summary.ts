// `npm run bench:summary`: writes the newest scale run's figures (bench/results/scale-*.json, newest by name) into
// docs/benchmarks.md between its "today" markers, so the page opens with the latest figures and nobody types them.
// `--check` only says whether the page is current (exit 1 if not).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const RESULTS = join(ROOT, "bench/results");
const PAGE = join(ROOT, "docs/benchmarks.md");
const BEGIN = "<!-- today:begin (written by npm run bench:summary) -->";
const END = "<!-- today:end -->";

interface ScaleRun {
  startedAt: string;
  quick: boolean;
  machine: { node: string; cpus: string };
  results: {
    n: number;
    fanOut: {
      seconds: number;
      minimum: number;
      writes: { work: number };
      afterFanOut?: {
        watcher: { rssMB: number; connections: number };
        admission: { rssMB: number };
      };
    };
    newNamespaces?: { p99Ms: number; moduleReactionP99Ms?: number; secretP99Ms?: number };
    /** The floor with the module's webhooks, and the pure floor with none (since issue 26), per concurrency. */
    floor?: Record<string, number>;
    pureFloor?: Record<string, number>;
  }[];
  targets: string[];
}

const fixed = (x: number | undefined, digits = 1) =>
  x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits);
/** A floor's best run (its smallest time over the concurrencies), if the run measured it. */
const best = (runs?: Record<string, number>) =>
  runs && Object.keys(runs).length ? Math.min(...Object.values(runs)) : undefined;

/** The markdown block for one run: a table per N and its target lines, as the run printed them. */
export function buildSummary(file: string, run: ScaleRun): string {
  const rows = run.results.map(
    ({ n, fanOut: f, newNamespaces: nn, floor, pureFloor }) =>
      `| ${n.toLocaleString("en")} | ${fixed(f.seconds, 2)} s | ${fixed(best(pureFloor), 2)} s | ` +
      `${fixed(f.seconds / (best(pureFloor) ?? NaN), 2)} × | ${fixed(best(floor), 2)} s | ` +
      `${f.writes.work} / ${f.minimum} | ` +
      `${fixed(f.afterFanOut?.watcher.rssMB)} MB | ${fixed(f.afterFanOut?.admission.rssMB)} MB | ` +
      `${f.afterFanOut?.watcher.connections ?? "–"} | ${fixed(nn?.moduleReactionP99Ms)} ms | ` +
      `${fixed(nn?.p99Ms)} ms |`,
  );
  return [
    BEGIN,
    `Newest run: \`bench/results/${file}\` (${run.startedAt}, ${run.quick ? "quick" : "full"}, ${run.machine.cpus}, Node ${run.machine.node}).`,
    "",
    "| N | fan-out | pure floor (no webhook) | fan-out / pure floor | floor with the module's webhook | writes / minimum | watcher RSS | admission RSS | watcher connections | new namespace: module reaction p99 | new namespace: whole path p99 |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    ...run.targets.map(t => `- ${t}`),
    END,
  ].join("\n");
}

/** The page with its block replaced (the markers must be there once each). */
export function replaceSummary(page: string, block: string): string {
  const a = page.indexOf(BEGIN);
  const b = page.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/benchmarks.md has no ${BEGIN} … ${END} block`);
  return page.slice(0, a) + block + page.slice(b + END.length);
}

function main() {
  const file = readdirSync(RESULTS)
    .filter(f => /^scale-.*\.json$/.test(f))
    .sort()
    .at(-1);
  if (!file) throw new Error("no bench/results/scale-*.json yet: run npm run bench:scale");
  const run = JSON.parse(readFileSync(join(RESULTS, file), "utf8")) as ScaleRun;
  const page = readFileSync(PAGE, "utf8");
  const next = replaceSummary(page, buildSummary(file, run));
  if (process.argv.includes("--check")) {
    console.log(
      next === page ? "docs/benchmarks.md is current" : `docs/benchmarks.md is older than ${file}`,
    );
    process.exit(next === page ? 0 : 1);
  }
  writeFileSync(PAGE, next);
  console.log(`docs/benchmarks.md: today's figures from ${file}`);
}

if (require.main === module) main();
