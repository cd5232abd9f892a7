// What a kubelet reports for a Pod, set through the status subresource: the control plane of the tests has no
// kubelet. Used by controller.stuck.test.ts and test/deployed/scenarios.ts.
import { k } from "./helpers";

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
