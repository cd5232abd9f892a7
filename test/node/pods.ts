// What a user sees of a Pod on the real node: the state the kubelet wrote into the Pod's status.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { appDeployment } from "../harness/node-images";
import { apply, eventually, kJson, status } from "../integration/helpers";
import { nodeState } from "./state";

export type Seen = "Running" | "ImagePullBackOff" | "ErrImagePull" | "Pending" | "none";

export interface PodView {
  name: string;
  uid: string;
  seen: Seen;
  /** The kubelet's message for a waiting container (e.g. "... 401 Unauthorized"). */
  message: string;
  pullSecrets: string[];
}

/** The app's Deployment: one replica of `image`, no command (the image's entrypoint prints a line and sleeps). */
export const deployment = (namespace: string, name: string, image: string) =>
  apply(JSON.stringify(appDeployment(namespace, name, image)));

export function viewPod(pod: any): PodView {
  const cs = pod.status?.containerStatuses?.[0];
  const waiting = cs?.state?.waiting;
  const seen: Seen =
    cs?.state?.running && pod.status?.phase === "Running"
      ? "Running"
      : waiting?.reason === "ImagePullBackOff" || waiting?.reason === "ErrImagePull"
        ? waiting.reason
        : pod.status?.phase === "Pending"
          ? "Pending"
          : "none";
  return {
    name: pod.metadata.name,
    uid: pod.metadata.uid,
    seen,
    message: waiting?.message ?? "",
    pullSecrets: (pod.spec.imagePullSecrets ?? []).map((r: { name: string }) => r.name),
  };
}

export async function podsOf(namespace: string, app: string): Promise<PodView[]> {
  const list = await kJson(["get", "pods", "-n", namespace, "-l", `app=${app}`]);
  return (list.items as any[]).filter(p => !p.metadata.deletionTimestamp).map(viewPod);
}

/** Waits until the one live Pod of `app` shows `want` (ErrImagePull counts on the way to ImagePullBackOff). */
export async function waitForPod(
  namespace: string,
  app: string,
  want: "Running" | "ImagePullBackOff",
  timeoutMs = 90_000,
) {
  let last: PodView[] = [];
  const t0 = Date.now();
  const pod = await eventually(
    async () => {
      last = await podsOf(namespace, app);
      if (last.length !== 1 || last[0].seen !== want) throw new Error("not yet");
      return last[0];
    },
    timeoutMs,
    250,
  ).catch(() => {
    throw new Error(`${namespace}/${app}: wanted one Pod ${want}, saw ${JSON.stringify(last)}`);
  });
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`[node] ${namespace}/${pod.name} ${want} ${s} s after the wait began`);
  return pod;
}

/** The container log the kubelet wrote for a Pod (CRI format lines: time, stream, tag, text). */
export function containerLog(namespace: string, pod: string): string {
  const dir = nodeState().podLogsDir;
  const podDir = readdirSync(dir).find(d => d.startsWith(`${namespace}_${pod}_`));
  if (!podDir) return "";
  return readFileSync(join(dir, podDir, "app", "0.log"), "utf8");
}

/** Waits until a manager reports Ready=True (the module has seen it and acted). */
export async function waitManagerReady(kind: "ipsm" | "cipsm", name: string, namespace?: string) {
  await eventually(async () => {
    const s = await status(kind, name, namespace);
    const ready = (s.conditions ?? []).find((c: { type: string }) => c.type === "Ready");
    expect(ready?.status).toBe("True");
  }, 60_000);
}

/** Waits until a Pod with restartPolicy Never has ended; returns its phase and its container "app"'s log. */
export async function waitPodEnded(namespace: string, name: string, timeoutMs = 120_000) {
  const t0 = Date.now();
  let phase = "";
  await eventually(
    async () => {
      const pod = await kJson(["get", "pod", name, "-n", namespace]);
      phase = pod.status?.phase ?? "";
      expect(["Succeeded", "Failed"]).toContain(phase);
    },
    timeoutMs,
    250,
  );
  console.log(
    `[node] ${namespace}/${name} ${phase} ${((Date.now() - t0) / 1000).toFixed(1)} s after the wait began`,
  );
  return { phase, log: containerLog(namespace, name) };
}
