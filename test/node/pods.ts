// What a user sees of a Pod on the real node: the state the kubelet wrote into the Pod's status.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { appDeployment } from "../harness/node-images";
import {
  apply,
  createPullSecret,
  eventually,
  k,
  kJson,
  newNamespace,
  pullsOf,
  status,
} from "../integration/helpers";
import { NodeRegistry, nodeState } from "./state";

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

/** A bare Pod (no controller) named and labelled `app: name`, running `image`, with the user's own pull Secrets. */
export const barePod = (
  namespace: string,
  name: string,
  image: string,
  pullSecrets: string[] = [],
) =>
  apply(
    JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace, labels: { app: name } },
      spec: {
        terminationGracePeriodSeconds: 1,
        imagePullSecrets: pullSecrets.map(name => ({ name })),
        containers: [{ name: "app", image, imagePullPolicy: "Always" }],
      },
    }),
  );

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

/**
 * The seed example (samples/seed-example.yaml) with its registries pointed at the local ones: Docker Hub's URL form
 * (https://<host>) at registry A, ghcr.io's host form at registry B, with their credentials.
 */
const localSeed = (a: NodeRegistry, b: NodeRegistry) =>
  readFileSync(join(__dirname, "../../samples/seed-example.yaml"), "utf8")
    .replace("https://index.docker.io/v1", `https://${a.host}`)
    .replace("registry: ghcr.io", `registry: ${b.host}`)
    .replace("<my-docker-username>", a.user)
    .replace("<my-docker-password>", a.password)
    .replace("<my-docker-email>", "a@example.com")
    .replace("<my-github-username>", b.user)
    .replace("<my-github-access-token>", b.password)
    .replace("<my-github-email>", "b@example.com");

/**
 * Applies the local seed example in a new namespace and runs a Deployment of each private registry's image there:
 * both Pods Running means the kubelet pulled with the Secrets Cheiron wrote and attached.
 */
export async function seedOnNode(prefix: string) {
  const { a, b } = nodeState().registries;
  const ns = await newNamespace(prefix);
  await createPullSecret(ns, "gitlab-registry", "registry.gitlab.com");
  await k(["apply", "-n", ns, "-f", "-"], { input: localSeed(a, b) });
  await eventually(async () => {
    const pulls = await pullsOf(ns, "default");
    expect(pulls).toEqual(expect.arrayContaining(["docker-hub", "github-container-registry"]));
  }, 60_000);
  await deployment(ns, "from-a", a.image);
  await deployment(ns, "from-b", b.image);
  await waitForPod(ns, "from-a", "Running");
  await waitForPod(ns, "from-b", "Running");
  await k(["delete", "namespace", ns, "--wait=false"]);
}
