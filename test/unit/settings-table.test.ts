// docs/operations.md's settings table is the operator's reference: it must list every setting the code reads,
// with the default and the minimum that src/settings.ts really applies.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { declaredSettings, settings } from "../../src/settings";

const ROOT = resolve(__dirname, "../..");

interface Row {
  default: string;
  accepts: string;
}

/** The rows of the table under "## Settings": `| \`NAME\` | default | accepts | what |`. */
export function parseSettingsTable(markdown: string): Map<string, Row> {
  const section = markdown.split(/^## Settings$/m)[1]?.split(/^## /m)[0] ?? "";
  const rows = new Map<string, Row>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map(c => c.trim());
    const name = /^`([A-Z0-9_]+)`$/.exec(cells[1] ?? "")?.[1];
    if (!name) continue;
    const value = /^`([^`]*)`/.exec(cells[2])?.[1];
    rows.set(name, { default: value ?? (cells[2] === "empty" ? "" : cells[2]), accepts: cells[3] });
  }
  return rows;
}

/** Every CHEIRON_* name that runtime code (src/, not tests) mentions. */
function settingsReadBySource(dir = join(ROOT, "src")): Set<string> {
  const found = new Set<string>();
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) settingsReadBySource(path).forEach(n => found.add(n));
    else if (/\.ts$/.test(entry) && !/\.test\.ts$|^test-/.test(entry)) {
      for (const m of readFileSync(path, "utf8").matchAll(/CHEIRON_[A-Z0-9_]+/g)) found.add(m[0]);
    }
  }
  return found;
}

const table = parseSettingsTable(readFileSync(join(ROOT, "docs/operations.md"), "utf8"));
// The defaults: settings() read with no CHEIRON_* variable set (at collection time, so that it.each sees them).
const saved = { ...process.env };
for (const k of Object.keys(process.env)) if (k.startsWith("CHEIRON_")) delete process.env[k];
settings();
process.env = { ...saved };

describe("docs/operations.md settings table", () => {
  it("parses (the table exists and has rows)", () => {
    expect(table.size).toBeGreaterThan(20);
  });

  it("lists every CHEIRON_* setting that runtime code reads", () => {
    const missing = [...settingsReadBySource()].filter(n => !table.has(n));
    expect(missing).toEqual([]);
  });

  it.each([...declaredSettings().keys()])(
    "%s: the table's default and minimum are the code's",
    name => {
      const spec = declaredSettings().get(name)!;
      const row = table.get(name);
      expect(row).toBeDefined();
      expect(row!.default).toBe(spec.default);
      if (spec.min !== undefined) expect(row!.accepts).toBe(`≥ ${spec.min}`);
    },
  );
});

describe("parseSettingsTable", () => {
  it("reads names, backticked defaults and 'empty'", () => {
    const md = [
      "## Settings",
      "| Setting | Default | Accepts | What |",
      "| --- | --- | --- | --- |",
      "| `A_B` | `5` | ≥ 1 | x |",
      "| `C` | empty | CIDRs | y |",
      "## Next",
      "| `D` | `1` | ≥ 0 | z |",
    ].join("\n");
    expect([...parseSettingsTable(md)]).toEqual([
      ["A_B", { default: "5", accepts: "≥ 1" }],
      ["C", { default: "", accepts: "CIDRs" }],
    ]);
  });
});
