// The watcher side: one coalescing queue of managers, fed by every event that can change a desired state,
// with backoff for failures and a periodic resync. Managers and Secrets carry credentials, so they are
// watched here with kubernetes-fluent-client directly (Pepr's own watch logs every object at debug level).
import { K8s, kind, Log } from "pepr";
import { ClusterImagePullSecretManager, ImagePullSecretManager } from "../api/kinds";
import type { Manager } from "../domain/model";
import { buildManagerId, buildManagerKey } from "../domain/ids";
import { isManagerCoveringNamespace } from "../domain/selection";
import {
  KIND_CLUSTER,
  KIND_NAMESPACED,
  LABEL_MANAGER,
  SECRET_TYPE_DOCKERCFG,
  SECRET_TYPE_DOCKERCONFIGJSON,
} from "../constants";
import { describeError } from "../k8s/errors";
import { toManager, toObjectMeta } from "../k8s/managers";
import { WorkQueue } from "./queue";
import { reconcileManager } from "./reconcile";
import { buildSourceRefs } from "./snapshot";
import { settings } from "../settings";

type Meta = { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } };

class Controller {
  readonly managers = new Map<string, Manager>();
  readonly queue = new WorkQueue({
    concurrency: 2,
    baseDelayMs: settings().retryBaseMs,
    maxDelayMs: settings().retryMaxMs,
    process: key => reconcileManager(key),
    onError: (key, error, attempt, delayMs) =>
      Log.warn(
        {
          manager: key,
          attempt,
          retryInMs: delayMs,
          error: error ? describeError(error) : "write failed",
        },
        "Cheiron reconcile will be retried",
      ),
  });

  async start() {
    const onManager =
      (kindName: typeof KIND_NAMESPACED | typeof KIND_CLUSTER) =>
      (obj: ImagePullSecretManager, phase: string) => {
        const m = toManager(obj, kindName);
        const key = buildManagerKey(m);
        if (phase === "DELETED") {
          this.managers.delete(key);
          this.queue.forget(key);
          return;
        }
        this.managers.set(key, m);
        this.queue.enqueue(key);
      };
    const onSecret = (s: Meta) => this.enqueueForSecret(s);
    await Promise.all([
      K8s(ImagePullSecretManager).Watch(onManager(KIND_NAMESPACED)).start(),
      K8s(ClusterImagePullSecretManager).Watch(onManager(KIND_CLUSTER)).start(),
      K8s(kind.Secret).WithField("type", SECRET_TYPE_DOCKERCONFIGJSON).Watch(onSecret).start(),
      K8s(kind.Secret).WithField("type", SECRET_TYPE_DOCKERCFG).Watch(onSecret).start(),
    ]);
    const every = settings().resyncSeconds * 1000;
    setInterval(() => this.resync(), every).unref();
    Log.info({ resyncSeconds: settings().resyncSeconds }, "Cheiron controller started");
  }

  resync() {
    for (const key of this.managers.keys()) this.queue.enqueue(key);
  }

  enqueueForNamespace(namespace: string) {
    for (const [key, m] of this.managers) {
      if (m.kind === KIND_CLUSTER || m.namespace === namespace) this.queue.enqueue(key);
    }
  }

  /** A managed Secret goes to its manager; any other Secret to the managers that read it or want its name. */
  enqueueForSecret(s: Meta) {
    const ns = s.metadata?.namespace ?? "";
    const name = s.metadata?.name ?? "";
    const owner = s.metadata?.labels?.[LABEL_MANAGER];
    for (const [key, m] of this.managers) {
      const isOwner = owner !== undefined && buildManagerId(m) === owner;
      const isSource = buildSourceRefs(m).some(r => r.namespace === ns && r.name === name);
      const wantsName =
        m.spec.secrets.some(e => (e.name ?? e.existingSecretRef?.name) === name) &&
        isManagerCoveringNamespace(m, { name: ns });
      if (isOwner || isSource || wantsName) this.queue.enqueue(key);
    }
  }
}

let controller: Controller | undefined;

/** True in the watcher Deployment and under `pepr dev`; false in admission pods and during `pepr build`. */
export function isWatcherProcess(): boolean {
  return process.env.PEPR_WATCH_MODE === "true" || process.env.PEPR_MODE === "dev";
}

export function startController(): void {
  if (controller || !isWatcherProcess()) return;
  const c = (controller = new Controller());
  setImmediate(() =>
    c
      .start()
      .catch(e => Log.error({ error: describeError(e) }, "Cheiron controller failed to start")),
  );
}

export function onNamespaceEvent(ns: Meta): void {
  controller?.enqueueForNamespace(ns.metadata?.name ?? "");
}

export function onServiceAccountEvent(sa: Meta): void {
  controller?.enqueueForNamespace(toObjectMeta(sa).namespace ?? "");
}
