// Runs the module against a control plane the way `npx pepr dev --host localhost` does, with the two fixes
// it needs: the PeprStore CRD exists and is Established before start, and the webhook configurations are
// deleted on teardown (killing `pepr dev` leaves them behind).
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { launchModule } from "./launch";
import { Proc, stopProc } from "./proc";
import { kubectl } from "./kubectl";

export const REPO = resolve(__dirname, "../..");
export const MODULE_UUID = "cheiron";

const peprStoreCRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "peprstores.pepr.dev" },
  spec: {
    group: "pepr.dev",
    scope: "Namespaced",
    names: { plural: "peprstores", singular: "peprstore", kind: "PeprStore" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: { data: { type: "object", additionalProperties: { type: "string" } } },
          },
        },
      },
    ],
  },
};

export interface RunningModule {
  proc: Proc;
  kubeconfig: string;
}

/**
 * Applies the CRDs of crds/ and the PeprStore CRD, and waits until every one is Established. With
 * `cheiron: false` only the PeprStore CRD, as pepr's controller.js applies it before it runs the module.
 */
export async function installCRDs(kubeconfig: string, dir: string, opts = { cheiron: true }) {
  const storeFile = join(dir, "peprstore-crd.json");
  writeFileSync(storeFile, JSON.stringify(peprStoreCRD));
  const ours = opts.cheiron ? ["-f", join(REPO, "crds")] : [];
  await kubectl(kubeconfig, ["apply", "--server-side", "-f", storeFile, ...ours]);
  const names = [
    "imagepullsecretmanagers.cheiron.anny.co",
    "clusterimagepullsecretmanagers.cheiron.anny.co",
  ];
  await kubectl(kubeconfig, [
    "wait",
    "--for=condition=Established",
    "--timeout=60s",
    "crd/peprstores.pepr.dev",
    ...(opts.cheiron ? names.map(n => `crd/${n}`) : []),
  ]);
}

/**
 * A copy of the module's sources (node_modules linked) for `pepr dev` or `pepr build` to run from. pepr 1.1.4
 * rewrites every file it format-checks (truncate, then write) on each build and each `pepr dev` rebuild, so run
 * in the working tree it can empty a file at the instant jest loads it ("x is not a function"); and nothing done
 * to the working tree during a run (an edit, a merge) makes `pepr dev` rebuild the module under the tests.
 * `extra` adds folders (a test that runs `npm run build` or `npm start` needs scripts/, crds/, test/...).
 */
export function snapshotModule(dir: string, extra: string[] = []): string {
  const target = join(dir, "module");
  mkdirSync(target);
  const files = [
    "package.json",
    "pepr.ts",
    "tsconfig.json",
    "tsconfig.check.json",
    ".prettierrc",
    "eslint.config.mjs",
  ];
  for (const f of files) cpSync(join(REPO, f), join(target, f));
  for (const d of ["capabilities", "src", ...extra])
    cpSync(join(REPO, d), join(target, d), { recursive: true });
  symlinkSync(join(REPO, "node_modules"), join(target, "node_modules"));
  return target;
}

export async function startModule(
  kubeconfig: string,
  dir: string,
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<RunningModule> {
  const t0 = Date.now();
  await installCRDs(kubeconfig, dir);
  const proc = await launchModule({
    name: "pepr-dev",
    dir,
    cmd: join(REPO, "node_modules/.bin/pepr"),
    args: ["dev", "--host", "localhost", "--yes"],
    cwd: opts.cwd ?? REPO,
    env: { ...process.env, KUBECONFIG: kubeconfig, ...opts.env },
    healthUrl: "https://localhost:3000/healthz",
    tls: { insecure: true },
    timeoutMs: opts.timeoutMs ?? 180_000,
    wait: {
      pollMs: 500,
      what: "pepr dev",
      exitedMessage: " before serving /healthz",
      tailLines: 80,
    },
    stop: p => stopModule({ proc: p, kubeconfig }),
  });
  console.log(
    `[module] pepr dev served /healthz ${((Date.now() - t0) / 1000).toFixed(1)} s after start`,
  );
  return { proc, kubeconfig };
}

export async function stopModule(m: RunningModule) {
  await stopProc(m.proc);
  await kubectl(m.kubeconfig, [
    "delete",
    "--ignore-not-found",
    "--wait=false",
    `mutatingwebhookconfiguration/pepr-${MODULE_UUID}`,
    `validatingwebhookconfiguration/pepr-${MODULE_UUID}`,
  ]).catch(e => console.error(`[module] webhook cleanup failed: ${e}`));
}
