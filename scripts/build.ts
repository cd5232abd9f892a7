// `npm run build [-- <pepr build options>]`: runs `pepr build` (quietly), checks that it really produced the
// module, its manifest and its Helm chart (pepr 1.1.4 exits 0 even when its build-time load of the module fails),
// then ships the CRDs beside them, in the chart and in the manifest (before the Deployments, stamped as the
// watcher applies them: src/k8s/crd-stamp.ts), repairs the chart's webhook templates (see below) and gives the
// mutating webhook, in the manifest and the chart, the condition that skips the module's own updates
// (scripts/webhook-conditions.ts). First it
// regenerates src/api/crds.generated.ts (scripts/gen-crds.ts), the CRDs the watcher installs at start.
//   <out>/pepr-cheiron.js, <out>/pepr-module-cheiron.yaml, <out>/crds/*.yaml, <out>/cheiron-chart/{crds,...}
// The output folder must be inside the repository (-o dist-x, not /tmp/x): the module is loaded from it at build
// time and needs node_modules.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { stampCrd } from "../src/k8s/crd-stamp";
import { generate, readCrds } from "./gen-crds";
import {
  addOwnWritesToManifest,
  insertOwnWritesCondition,
  serviceAccountUser,
} from "./webhook-conditions";

const repo = resolve(__dirname, "..");
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
  version: string;
  pepr: { uuid: string };
};
const uuid = pkg.pepr.uuid;

function outputDir(args: string[]): string {
  const i = args.findIndex(a => a === "-o" || a === "--output");
  const inline = args.find(a => a.startsWith("--output="));
  const dir = i >= 0 ? args[i + 1] : inline ? inline.slice("--output=".length) : "dist";
  if (!dir) throw new Error("[build] -o needs a folder");
  return resolve(repo, dir);
}

/** The files this build must produce, removed first so that a stale copy never passes for a new one. */
const products = (out: string) => ({
  bundle: join(out, `pepr-${uuid}.js`),
  manifest: join(out, `pepr-module-${uuid}.yaml`),
  chart: join(out, `${uuid}-chart`),
  crds: join(out, "crds"),
});

/** Prints pepr's warnings and its two result lines; everything only when it failed. */
function report(log: string, failed: boolean) {
  if (failed) return console.error(log);
  const lines = log.split("\n").map(l => l.replace(/\x1b\[[0-9;]*m/g, "")); // eslint-disable-line no-control-regex
  const unformatted = lines.filter(l => l.endsWith("is not formatted correctly")).length;
  for (const l of lines) {
    if (/ WARN /.test(l) && !l.includes("No 'type' field")) console.log(`[build] ${l.trim()}`);
    if (/pepr-[\w-]+\.js\s+[\d.]+ ?[kKmM]?b\s+100\.0%/.test(l))
      console.log(`[build] bundle ${l.trim()}`);
    if (l.includes("saved to")) console.log(`[build] ${l.trim()}`);
  }
  if (unformatted)
    console.log(`[build] prettier: ${unformatted} files not formatted (npx prettier --check .)`);
}

/**
 * pepr 1.1.4 turns the webhook timeout and failure policy into chart values by replacing every "10" (the
 * timeout) and every "Ignore" in the webhook YAML, inside the base64 caBundle and the API path too; any other
 * `--set admission.webhookTimeout` then corrupts them. Keep each value only on its own field's line.
 */
export function repairWebhookTemplate(
  text: string,
  literal: { timeout: string; failurePolicy: string },
) {
  const fields = [
    {
      field: /^\s*timeoutSeconds:/,
      placeholder: "{{ .Values.admission.webhookTimeout }}",
      value: literal.timeout,
    },
    {
      field: /^\s*failurePolicy:/,
      placeholder: "{{ .Values.admission.failurePolicy }}",
      value: literal.failurePolicy,
    },
  ];
  return text
    .split("\n")
    .map(l =>
      fields.reduce(
        (acc, f) => (f.field.test(acc) ? acc : acc.split(f.placeholder).join(f.value)),
        l,
      ),
    )
    .join("\n");
}

function packageChart(chart: string, crdFiles: string[]) {
  const values = readFileSync(join(chart, "values.yaml"), "utf8");
  const timeout = /^\s+webhookTimeout: (\d+)\s*$/m.exec(values)?.[1];
  const failurePolicy = /^\s+failurePolicy: '?(Ignore|Fail)'?\s*$/m.exec(values)?.[1];
  if (!timeout || !failurePolicy)
    throw new Error(
      "[build] no admission.webhookTimeout or failurePolicy in the chart's values.yaml",
    );
  for (const f of ["mutation-webhook.yaml", "validation-webhook.yaml"]) {
    const file = join(chart, "templates", f);
    const text = repairWebhookTemplate(readFileSync(file, "utf8"), { timeout, failurePolicy });
    const user = serviceAccountUser("{{ .Values.uuid }}");
    writeFileSync(file, f.startsWith("mutation") ? insertOwnWritesCondition(text, user) : text);
  }
  // pepr writes the `helm create` placeholders (version 0.1.0, appVersion 1.16.0): use Cheiron's version.
  const chartYaml = join(chart, "Chart.yaml");
  writeFileSync(
    chartYaml,
    readFileSync(chartYaml, "utf8")
      .replace(/^version: .*$/m, `version: ${pkg.version}`)
      .replace(/^appVersion: .*$/m, `appVersion: "${pkg.version}"`),
  );
  mkdirSync(join(chart, "crds"), { recursive: true });
  for (const f of crdFiles) copyFileSync(join(repo, "crds", f), join(chart, "crds", f));
}

/** Inserts the CRDs (as the watcher applies them) into pepr's manifest, before its first Deployment. */
export function insertCrds(manifest: string, version: string): string {
  const docs = manifest.split(/^---\n/m);
  const crds = readCrds().map(c => stringify(stampCrd(c.object, version, c.hash)));
  let at = docs.findIndex(d => /^kind: Deployment$/m.test(d));
  if (at < 0) at = docs.length;
  return [...docs.slice(0, at), ...crds, ...docs.slice(at)].join("---\n");
}

export function build(args: string[]): string {
  const t0 = Date.now();
  if (generate()) console.log("[build] src/api/crds.generated.ts regenerated from crds/");
  const out = outputDir(args);
  const p = products(out);
  for (const path of Object.values(p)) rmSync(path, { recursive: true, force: true });
  const r = spawnSync(join(repo, "node_modules/.bin/pepr"), ["build", ...args], {
    cwd: repo,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const log = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  const missing = [p.bundle, p.manifest, join(p.chart, "Chart.yaml")].filter(f => !existsSync(f));
  const failed = r.status !== 0 || missing.length > 0;
  report(log, failed);
  if (failed)
    throw new Error(
      `[build] pepr build failed (exit ${r.status}${missing.length ? `, missing ${missing.join(", ")}` : ""})`,
    );

  const crdFiles = readdirSync(join(repo, "crds")).filter(f => f.endsWith(".yaml"));
  mkdirSync(p.crds, { recursive: true });
  for (const f of crdFiles) copyFileSync(join(repo, "crds", f), join(p.crds, f));
  packageChart(p.chart, crdFiles);
  const manifest = insertCrds(readFileSync(p.manifest, "utf8"), pkg.version);
  writeFileSync(p.manifest, addOwnWritesToManifest(manifest, `pepr-${uuid}`));
  console.log(
    `[build] CRDs: ${crdFiles.join(", ")} -> ${p.crds}, ${join(p.chart, "crds")} and ${p.manifest}`,
  );
  console.log(`[build] done in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${out}`);
  return out;
}

if (require.main === module) {
  try {
    build(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
