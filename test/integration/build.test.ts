// Packaging, proved against the real apiserver: `npm run build` into a folder of its own, then the CRDs and the
// WHOLE generated manifest, and the Helm chart rendered by a real helm, go through server-side apply with
// --dry-run=server (admission, schema validation and defaulting run; nothing is stored, so no webhook of the
// shared control plane ever points at a Service without pods). Only the ClusterRole and its binding are
// applied for real, to ask the apiserver's RBAC what the module's ServiceAccount may do; they are deleted after.
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { repairWebhookTemplate } from "../../scripts/build";
import { EMBEDDED_CRDS } from "../../src/api/crds.generated";
import { stampCrd } from "../../src/k8s/crd-stamp";
import { buildOwnWritesCondition } from "../../src/domain/own-writes";
import { buildHelm } from "../../scripts/helm-build";
import { snapshotModule } from "../harness/module";
import { describeCluster, k, uid } from "./helpers";
import * as P from "./packaging";

const run = promisify(execFile);
const HOOKS = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];
/** The mutating webhook skips the module's own updates (issue 26): one matchConditions entry; validating none. */
const conditionsOf = (kind: string) =>
  kind.startsWith("Mutating") ? [buildOwnWritesCondition(P.MODULE_SA)] : undefined;
const { pkg } = P;

describeCluster(
  "packaging: npm run build, its manifest and its Helm chart on a real apiserver",
  () => {
    // `npm run build` runs in a copy of the repository: pepr rewrites every file it format-checks (see
    // snapshotModule), which must never happen to files this jest process may still load.
    const copy = snapshotModule(mkdtempSync(join(tmpdir(), "cheiron-build-it-")), ["scripts", "crds"]);
    const outName = `dist-it-${uid()}`;
    const out = join(copy, outName);
    const chart = join(out, "cheiron-chart");
    const manifest = join(out, `pepr-module-${pkg.pepr.uuid}.yaml`);
    const crdFiles = readdirSync(join(P.REPO, "crds")).filter(f => f.endsWith(".yaml"));
    let accepted: Map<string, any>;

    beforeAll(async () => {
      const t0 = Date.now();
      const args = ["run", "--silent", "build", "--", "-o", outName];
      await run("npm", args, { cwd: copy, maxBuffer: 1 << 26 });
      console.log(`[build.test] npm run build took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }, 300_000);
    afterAll(() => rmSync(dirname(copy), { recursive: true, force: true }));

    it("ships the CRDs beside the manifest and in the chart, whose webhook templates are repaired", () => {
      for (const f of crdFiles) {
        const source = readFileSync(join(P.REPO, "crds", f), "utf8");
        expect(readFileSync(join(out, "crds", f), "utf8")).toBe(source);
        expect(readFileSync(join(chart, "crds", f), "utf8")).toBe(source);
      }
      const chartYaml = readFileSync(join(chart, "Chart.yaml"), "utf8");
      expect(chartYaml).toMatch(new RegExp(`^version: ${pkg.version}$`, "m"));
      expect(chartYaml).toMatch(new RegExp(`^appVersion: "${pkg.version}"$`, "m"));
      // pepr's "10" -> value replacement inside a caBundle is undone; the field keeps its value.
      const T = "{{ .Values.admission.webhookTimeout }}";
      const broken = `caBundle: >-\n  QQ${T}xy\ntimeoutSeconds: ${T}`;
      expect(repairWebhookTemplate(broken, { timeout: "10", failurePolicy: "Ignore" })).toBe(
        `caBundle: >-\n  QQ10xy\ntimeoutSeconds: ${T}`,
      );
      // Each chart value only on its own field's line (pepr 1.1.4 replaced every "10" and "Ignore" in the YAML).
      for (const f of ["mutation-webhook.yaml", "validation-webhook.yaml"]) {
        const lines = readFileSync(join(chart, "templates", f), "utf8").split("\n");
        expect(lines.filter(l => l.includes(".Values.admission.")).map(l => l.trim())).toEqual([
          "failurePolicy: {{ .Values.admission.failurePolicy }}",
          "timeoutSeconds: {{ .Values.admission.webhookTimeout }}",
        ]);
      }
    });

    it("the manifest holds the CRDs (stamped as the watcher applies them) before the Deployments", async () => {
      const objects = await P.parse([manifest]);
      const kinds = objects.map(o => o.kind);
      expect(kinds.lastIndexOf("CustomResourceDefinition")).toBeLessThan(
        kinds.indexOf("Deployment"),
      );
      const crds = objects.filter(o => o.kind === "CustomResourceDefinition");
      expect(crds.map(o => o.metadata.name).sort()).toEqual(EMBEDDED_CRDS.map(c => c.name).sort());
      for (const c of EMBEDDED_CRDS)
        expect(crds.find(o => o.metadata.name === c.name)).toEqual(
          stampCrd(c.object, pkg.version, c.hash),
        );
    });

    it("the apiserver accepts every object of the manifest (the CRDs included); the webhooks are as configured", async () => {
      const items = await P.dryRunApply(await P.parse([manifest]));
      expect(P.ids(items)).toEqual(P.EXPECTED);
      accepted = P.byId(items);
      const apiPath = P.decode(accepted.get("Secret/pepr-cheiron-api-path").data.value).toString();
      const tls = accepted.get("Secret/pepr-cheiron-tls");
      expect(tls.type).toBe("kubernetes.io/tls");
      const cert = new X509Certificate(P.decode(tls.data["tls.crt"]));
      expect(pkg.pepr.onError).toBe("ignore");
      for (const kind of HOOKS) {
        const webhooks = accepted.get(`${kind}/pepr-cheiron`).webhooks;
        expect(webhooks).toHaveLength(1);
        const [hook] = webhooks;
        expect(hook.namespaceSelector.matchExpressions).toEqual([
          {
            key: "kubernetes.io/metadata.name",
            operator: "NotIn",
            values: ["kube-system", "pepr-system", ...pkg.pepr.admission.alwaysIgnore.namespaces],
          },
        ]);
        expect(hook.timeoutSeconds).toBe(pkg.pepr.webhookTimeout);
        expect(hook.failurePolicy).toBe("Ignore");
        expect(hook.sideEffects).toBe("None");
        expect(hook.matchConditions).toEqual(conditionsOf(kind));
        const verb = kind.startsWith("Mutating") ? "mutate" : "validate";
        expect(hook.clientConfig.service).toEqual({
          name: "pepr-cheiron",
          namespace: "pepr-system",
          path: `/${verb}/${apiPath}`,
          port: 443,
        });
        expect(hook.rules.map((r: any) => `${r.operations} ${r.resources}`)).toEqual(
          verb === "mutate"
            ? ["CREATE,UPDATE serviceaccounts", "CREATE pods,pods/ephemeralcontainers"]
            : [
                "CREATE,UPDATE imagepullsecretmanagers",
                "CREATE,UPDATE clusterimagepullsecretmanagers",
              ],
        );
        // The apiserver will trust the module: its certificate names the Service and the caBundle signed it.
        expect(
          cert.verify(new X509Certificate(P.decode(hook.clientConfig.caBundle)).publicKey),
        ).toBe(true);
      }
      expect(cert.subjectAltName).toBe("DNS:pepr-cheiron.pepr-system.svc");
      expect(Date.parse(cert.validTo)).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    });

    it("the ClusterRole is package.json pepr.rbac plus pepr's scoped store rules, no wildcard", () => {
      const rules: P.Rule[] = accepted.get("ClusterRole/pepr-cheiron").rules;
      expect(P.normalize(rules)).toEqual(P.expectedRules);
      const words = rules.flatMap(r => [
        ...r.verbs,
        ...(r.resources ?? []),
        ...(r.apiGroups ?? []),
      ]);
      expect(words).not.toContain("*");
      const binding = accepted.get("ClusterRoleBinding/pepr-cheiron");
      expect(binding.roleRef).toMatchObject({ kind: "ClusterRole", name: "pepr-cheiron" });
      expect(binding.subjects).toEqual([
        { kind: "ServiceAccount", name: "pepr-cheiron", namespace: "pepr-system" },
      ]);
    });

    it("the Deployments run the built bundle on pepr's image; the Services reach their pods on 3000", () => {
      const bundle = readFileSync(join(out, `pepr-${pkg.pepr.uuid}.js`));
      const data = accepted.get("Secret/pepr-cheiron-module").data;
      const [[moduleKey, gz], ...others] = Object.entries(data) as [string, string][];
      expect(others).toEqual([]);
      expect(gunzipSync(P.decode(gz)).equals(bundle)).toBe(true);
      const hash = /^module-([0-9a-f]{64})\.js\.gz$/.exec(moduleKey)?.[1];
      for (const [name, watchMode, replicas] of [
        ["pepr-cheiron", "false", 2],
        ["pepr-cheiron-watcher", "true", 1],
      ] as const) {
        const d = accepted.get(`Deployment/${name}`);
        const pod = d.spec.template.spec;
        const [container] = pod.containers;
        expect(d.spec.replicas).toBe(replicas);
        expect(pod.serviceAccountName).toBe("pepr-cheiron");
        expect(container.image).toBe(`ghcr.io/defenseunicorns/pepr/controller:v${P.peprVersion}`);
        expect(container.args).toEqual(["/app/node_modules/pepr/dist/controller.js", hash]);
        expect(container.env).toContainEqual({ name: "PEPR_WATCH_MODE", value: watchMode });
        for (const v of pod.volumes.filter((v: any) => v.secret))
          expect(accepted.has(`Secret/${v.secret.secretName}`)).toBe(true);
        const svc = accepted.get(`Service/${name}`);
        expect(svc.spec.ports).toMatchObject([{ port: 443, targetPort: 3000 }]);
        expect(d.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
      }
      expect(accepted.get("Deployment/pepr-cheiron-watcher").spec.strategy.type).toBe("Recreate");
    });

    it("RBAC lets the module's ServiceAccount make every call Cheiron makes (by its code and by the audit log)", async () => {
      const rbac = [...accepted.values()].filter(o => o.kind.startsWith("ClusterRole"));
      const input = JSON.stringify({ apiVersion: "v1", kind: "List", items: rbac.map(P.strip) });
      await k(["apply", "--server-side", "--field-manager=cheiron-build-test", "-f", "-"], {
        input,
      });
      try {
        const ask = async (qs: string[]) =>
          Object.fromEntries(await Promise.all(qs.map(async q => [q, await P.canI(q)])));
        expect(await ask(P.NEEDED)).toEqual(Object.fromEntries(P.NEEDED.map(q => [q, "yes"])));
        const audited = P.auditedModuleCalls();
        expect(audited.length).toBeGreaterThan(10);
        expect(await ask(audited)).toEqual(Object.fromEntries(audited.map(q => [q, "yes"])));
        expect(await ask(P.REFUSED)).toEqual(Object.fromEntries(P.REFUSED.map(q => [q, "no"])));
      } finally {
        await k(["delete", "--ignore-not-found", "clusterrolebinding/pepr-cheiron"]);
        await k(["delete", "--ignore-not-found", "clusterrole/pepr-cheiron"]);
      }
    });

    it("helm renders the chart, crds/ included, into what the apiserver accepts; its values apply", async () => {
      const helm = buildHelm();
      await run(helm, ["lint", chart]);
      const template = [
        "template",
        "cheiron",
        chart,
        "--namespace",
        "pepr-system",
        "--include-crds",
      ];
      const set = ["--set", "admission.webhookTimeout=7"];
      const { stdout } = await run(helm, [...template, ...set], { maxBuffer: 1 << 26 });
      const items = await P.dryRunApply(await P.parse(["-"], stdout));
      expect(P.ids(items)).toEqual(P.EXPECTED);
      const rendered = P.byId(items);
      for (const kind of HOOKS) {
        const [hook] = rendered.get(`${kind}/pepr-cheiron`).webhooks;
        const [fromManifest] = accepted.get(`${kind}/pepr-cheiron`).webhooks;
        expect(hook.timeoutSeconds).toBe(7);
        expect(hook.failurePolicy).toBe("Ignore");
        expect(hook.clientConfig).toEqual(fromManifest.clientConfig);
        expect(hook.matchConditions).toEqual(conditionsOf(kind));
        // The chart lists kube-node-lease twice (its value and pepr's literal): same selector.
        const values = hook.namespaceSelector.matchExpressions[0].values;
        expect([...new Set(values)]).toEqual(
          fromManifest.namespaceSelector.matchExpressions[0].values,
        );
      }
      expect(P.normalize(rendered.get("ClusterRole/pepr-cheiron").rules)).toEqual(P.expectedRules);
      for (const name of ["pepr-cheiron-tls", "pepr-cheiron-module", "pepr-cheiron-api-path"])
        expect(rendered.get(`Secret/${name}`).data).toEqual(accepted.get(`Secret/${name}`).data);
    });
  },
);
