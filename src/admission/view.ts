// Admission's own watch-fed view of the managers and of namespace labels. The admission Deployment cannot
// share the watcher's memory, and the hot path makes no API call: the view is filled once (one list call per
// kind) and then kept current by watches.
import { K8s, kind, Log } from "pepr";
import { ClusterImagePullSecretManager, ImagePullSecretManager } from "../api/kinds";
import type { Manager, ObjectMeta } from "../domain/model";
import { buildManagerKey } from "../domain/ids";
import { KIND_CLUSTER, KIND_NAMESPACED } from "../constants";
import { describeError } from "../k8s/errors";
import { toManager, toObjectMeta } from "../k8s/managers";

type ManagerKindName = typeof KIND_NAMESPACED | typeof KIND_CLUSTER;

export class AdmissionView {
  private readonly managerMap = new Map<string, Manager>();
  private readonly namespaceMap = new Map<string, ObjectMeta>();
  private warming: Promise<void> | undefined;
  /** API calls made by the view (the benchmark asserts none happen per admission in steady state). */
  apiCalls = 0;

  managers(): Manager[] {
    return [...this.managerMap.values()];
  }

  namespace(name: string): ObjectMeta {
    return this.namespaceMap.get(name) ?? { name };
  }

  /**
   * The namespace from the view; one that the watch has not delivered yet (created a moment ago) is read
   * once and kept, so a namespaceSelector sees its labels. This is the only read admission can make.
   */
  async namespaceFresh(name: string): Promise<ObjectMeta> {
    const known = this.namespaceMap.get(name);
    if (known || !name) return known ?? { name };
    this.apiCalls++;
    try {
      const ns = toObjectMeta(await K8s(kind.Namespace).Get(name));
      if (!this.namespaceMap.has(name)) this.namespaceMap.set(name, ns);
      return ns;
    } catch {
      return { name };
    }
  }

  /** Resolves once the view is filled; the first call lists and starts the watches. */
  ensure(): Promise<void> {
    this.warming ??= this.warm().catch(e => {
      this.warming = undefined;
      throw e;
    });
    return this.warming;
  }

  /** Test seam: replaces the view's contents and marks it warm (no API call, no watch). */
  load(managers: Manager[], namespaces: ObjectMeta[]): void {
    this.managerMap.clear();
    this.namespaceMap.clear();
    managers.forEach(m => this.managerMap.set(buildManagerKey(m), m));
    namespaces.forEach(ns => this.namespaceMap.set(ns.name, ns));
    this.warming = Promise.resolve();
  }

  private async warm() {
    this.apiCalls += 3;
    const [ipsm, cipsm, namespaces] = await Promise.all([
      K8s(ImagePullSecretManager).Get(),
      K8s(ClusterImagePullSecretManager).Get(),
      K8s(kind.Namespace).Get(),
    ]);
    ipsm.items.forEach(o => this.setManager(o, KIND_NAMESPACED, "ADDED"));
    cipsm.items.forEach(o => this.setManager(o, KIND_CLUSTER, "ADDED"));
    namespaces.items.forEach(n => this.setNamespace(n, "ADDED"));
    const watches = [
      K8s(ImagePullSecretManager).Watch((o, phase) => this.setManager(o, KIND_NAMESPACED, phase)),
      K8s(ClusterImagePullSecretManager).Watch((o, phase) =>
        this.setManager(o, KIND_CLUSTER, phase),
      ),
      K8s(kind.Namespace).Watch((n, phase) => this.setNamespace(n, phase)),
    ];
    await Promise.all(watches.map(w => w.start()));
    Log.info(
      { managers: this.managerMap.size, namespaces: this.namespaceMap.size },
      "Cheiron admission view ready",
    );
  }

  private setManager(obj: ImagePullSecretManager, kindName: ManagerKindName, phase: string) {
    const m = toManager(obj, kindName);
    if (phase === "DELETED") this.managerMap.delete(buildManagerKey(m));
    else this.managerMap.set(buildManagerKey(m), m);
  }

  private setNamespace(obj: InstanceType<typeof kind.Namespace>, phase: string) {
    const ns = toObjectMeta(obj);
    if (phase === "DELETED") this.namespaceMap.delete(ns.name);
    else this.namespaceMap.set(ns.name, ns);
  }
}

let view: AdmissionView | undefined;

export function admissionView(): AdmissionView {
  view ??= new AdmissionView();
  return view;
}

/** True in admission pods and under `pepr dev`: fill the view before the first request arrives. */
export function prewarmAdmissionView(): void {
  if (process.env.PEPR_WATCH_MODE !== "false" && process.env.PEPR_MODE !== "dev") return;
  setImmediate(() =>
    admissionView()
      .ensure()
      .catch(e =>
        Log.warn(
          { error: describeError(e) },
          "Cheiron admission view not ready yet; retried on first request",
        ),
      ),
  );
}
