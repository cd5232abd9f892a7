// Shared by the Pod fault tests (issue 25 #4): a fan-out set-up checked at the end with the fault matrix's
// expectConverged (test/faults/cluster.ts), and the module's own Pods as the kubelet reports them (restart counts,
// the last termination's reason). Times are printed, never asserted.
import { ApiClient } from "../../src/k8s/client";
import { loadApiConfig } from "../../src/k8s/config";
import {
  applyClusterManager,
  attached,
  createNamespaces,
  Expectation,
  foreignVersions,
  midway,
  seedUserState,
} from "../faults/cluster";
import { eventually, k, kJson, kubeconfig, uid, waitGone } from "../integration/helpers";

/** The admin's client on the node cluster (for bulk set-up and the checks of expectConverged). */
export function adminClient() {
  process.env.KUBECONFIG = kubeconfig();
  return new ApiClient(loadApiConfig(), { maxConnections: 8 });
}

/**
 * `n` namespaces labelled faults=<run>, the first three with a user's own pull Secret `own` on their default
 * ServiceAccount. apply() applies the cluster manager `name` over them; `expected` is what expectConverged checks.
 */
export async function fanOutSetup(admin: ApiClient, prefix: string, n: number) {
  const run = uid();
  const name = `${prefix}-${run}`;
  const namespaces = Array.from({ length: n }, (_, i) => `${name}-${i}`);
  await createNamespaces(admin, namespaces, { faults: run });
  const own = namespaces.slice(0, 3);
  await seedUserState(admin, own, ["own"]);
  const expected: Expectation = {
    namespaces,
    secrets: [name],
    userPulls: Object.fromEntries(own.map(ns => [ns, ["own"]])),
    foreign: await foreignVersions(own.map(ns => `${ns}/own`)),
    managers: [name],
  };
  return {
    run,
    name,
    namespaces,
    expected,
    apply: () => applyClusterManager(name, run),
    async cleanup() {
      await k(["delete", "cipsm", name, "--ignore-not-found", "--timeout=300s"], {
        allowFail: true,
      });
      await k(["delete", "ns", "-l", `faults=${run}`, "--wait=false"], { allowFail: true });
    },
  };
}

type FanOut = Awaited<ReturnType<typeof fanOutSetup>>;

/**
 * Applies the fan-out's manager, runs `fault` once `from` namespaces are attached, and waits until the watcher Pod
 * `old` is gone (its container stopped). Returns the counts attached at the fault and when it was gone (the rest is
 * the next watcher's work) and the times.
 */
export async function faultMidFanOut(
  admin: ApiClient,
  f: FanOut,
  old: ModulePod,
  fault: () => Promise<unknown>,
  from = 10,
) {
  const t0 = Date.now();
  await f.apply();
  const atFault = await midway(admin, f.namespaces, f.name, from);
  await fault();
  const tFault = Date.now();
  await waitGone(["pod", old.name, "-n", "pepr-system"], 120_000);
  const atGone = await attached(admin, f.namespaces, f.name);
  return { t0, tFault, atFault, atGone };
}

export type Controller = "admission" | "watcher";

export interface ModulePod {
  name: string;
  uid: string;
  controller: Controller;
  ready: boolean;
  deleting: boolean;
  restarts: number;
  /** The reason of the container's last termination (e.g. OOMKilled), if it has restarted. */
  lastReason?: string;
}

/** The Pods of Cheiron's Deployments in pepr-system, as their status says. */
export async function modulePods(controller?: Controller): Promise<ModulePod[]> {
  const sel = `pepr.dev/controller${controller ? `=${controller}` : ""}`;
  const list = await kJson(["get", "pods", "-n", "pepr-system", "-l", sel]);
  return (list.items as any[]).map(p => {
    const c = p.status?.containerStatuses?.[0];
    return {
      name: p.metadata.name,
      uid: p.metadata.uid,
      controller: p.metadata.labels["pepr.dev/controller"],
      ready: !!c?.ready,
      deleting: !!p.metadata.deletionTimestamp,
      restarts: c?.restartCount ?? 0,
      lastReason: c?.lastState?.terminated?.reason,
    };
  });
}

/** Waits until `controller` runs `count` Ready Pods, none of them in `old` and none being deleted. */
export async function waitReplaced(controller: Controller, old: string[], count: number) {
  let seen: ModulePod[] = [];
  await eventually(
    async () => {
      seen = await modulePods(controller);
      expect(
        seen.map(p => ({ ready: p.ready, old: old.includes(p.uid), deleting: p.deleting })),
      ).toEqual(
        Array.from({ length: count }, () => ({ ready: true, old: false, deleting: false })),
      );
    },
    300_000,
    250,
  ).catch(e => {
    throw new Error(`${controller} Pods not replaced: ${JSON.stringify(seen)}`, { cause: e });
  });
  return seen;
}

/** "<pod> <restarts> restarts" for each Pod of the module, for the printed figures. */
export const restartFigures = async () =>
  (await modulePods()).map(p => `${p.name} ${p.restarts} restarts`).join(", ");

export const seconds = (from: number) => ((Date.now() - from) / 1000).toFixed(1);
