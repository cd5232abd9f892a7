// What a kubelet reports for a Pod, set through the status subresource: the control plane of the tests has no
// kubelet (its kube-controller-manager runs the ReplicaSet and Deployment controllers, so those make real Pods).
// Used by controller.stuck.test.ts and test/deployed/scenarios.ts.
import { eventually, k, kJson } from "./helpers";

export const IMAGE = "ghcr.io/cheiron-test/private:1";

/** What a kubelet reports for a Pod whose image pull fails (or, for "Running", one that started). */
export async function setPodStatus(
  ns: string,
  pod: string,
  reason: "ErrImagePull" | "ImagePullBackOff" | "Running",
) {
  const state =
    reason === "Running"
      ? { running: { startedAt: new Date().toISOString() } }
      : { waiting: { reason, message: `Back-off pulling image "${IMAGE}": 401 Unauthorized` } };
  const body = {
    status: {
      phase: reason === "Running" ? "Running" : "Pending",
      containerStatuses: [
        {
          name: "app",
          image: IMAGE,
          imageID: "",
          ready: false,
          restartCount: 0,
          started: false,
          state,
        },
      ],
    },
  };
  const r = await k([
    "patch",
    "pod",
    pod,
    "-n",
    ns,
    "--subresource=status",
    "--type=merge",
    "-p",
    JSON.stringify(body),
  ]);
  expect(r.code).toBe(0);
}

/** The Pods labelled `app=<app>` (not being deleted), once there are `count` of them: what a ReplicaSet made. */
export async function podsOf(ns: string, app: string, count = 1): Promise<any[]> {
  return eventually(async () => {
    const list = await kJson(["get", "pods", "-n", ns, "-l", `app=${app}`]);
    const live = (list.items as any[]).filter(p => !p.metadata.deletionTimestamp);
    expect(live).toHaveLength(count);
    return live;
  }, 60_000);
}
