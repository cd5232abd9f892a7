// Every change the apiserver makes to a set of objects, from a known resourceVersion on: a watch misses nothing,
// where a listing only samples. `kubectl get --raw` streams the watch's events, one JSON object a line.
import { spawn } from "node:child_process";
import { kubectlPath } from "../harness/kubectl";
import { k, kubeconfig } from "../integration/helpers";

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: any;
}

/**
 * Lists `path` (e.g. /api/v1/secrets?labelSelector=...) and watches it from the list's resourceVersion (kubectl's own
 * `get -o json` of a list has none): every later change is delivered, even one made before the watch connects.
 * stop() ends it and returns the events.
 */
export async function listThenWatch(path: string) {
  const list = JSON.parse((await k(["get", "--raw", path])).stdout);
  return watchFrom(path, list.metadata.resourceVersion as string);
}

function watchFrom(path: string, resourceVersion: string) {
  if (!resourceVersion) throw new Error(`no resourceVersion to watch ${path} from`);
  const sep = path.includes("?") ? "&" : "?";
  const url = `${path}${sep}watch=1&allowWatchBookmarks=false&resourceVersion=${resourceVersion}`;
  const child = spawn(kubectlPath(), ["get", "--raw", url], {
    env: { ...process.env, KUBECONFIG: kubeconfig() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: WatchEvent[] = [];
  let rest = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    const lines = (rest + d.toString("utf8")).split("\n");
    rest = lines.pop() ?? "";
    for (const l of lines) if (l.trim()) events.push(JSON.parse(l) as WatchEvent);
  });
  child.stderr.on("data", d => (err += d));
  const exited = new Promise<number | null>(r => child.once("exit", r));
  return {
    events,
    /** Ends the watch; throws when it ended by itself before (a watch that stopped early would miss changes). */
    async stop(): Promise<WatchEvent[]> {
      const alive = child.exitCode === null;
      child.kill();
      await exited;
      if (!alive) throw new Error(`the watch of ${path} ended early: ${err}`);
      const errors = events.filter(e => e.type === "ERROR");
      if (errors.length)
        throw new Error(`the watch of ${path} failed: ${JSON.stringify(errors[0])}`);
      return events;
    },
  };
}
