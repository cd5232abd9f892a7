// Admission's own watch-fed view of the managers and of namespace labels. The admission Deployment cannot
// share the watcher's memory, and the hot path makes no API call: the view is filled once (one paginated list
// per kind) and then kept current by Cheiron's informers (src/k8s/informer.ts) over the pooled client.
import { Log } from "pepr";
import type { Manager, ObjectMeta } from "../domain/model";
import { KIND_CLUSTER, KIND_NAMESPACED } from "../constants";
import { apiClient } from "../k8s/client";
import { describeError } from "../k8s/errors";
import { Informer } from "../k8s/informer";
import { paths } from "../k8s/paths";
import { slimManager, slimNamespace } from "../k8s/slim";

/** How long an admission waits for a just-created namespace to arrive on the watch (the webhook allows 10 s). */
const NS_WAIT_MS = 2000;

export class AdmissionView {
  private informers?: {
    ipsm: Informer<Manager>;
    cipsm: Informer<Manager>;
    ns: Informer<ObjectMeta>;
  };
  private loaded?: { managers: Manager[]; namespaces: Map<string, ObjectMeta> };
  private warming: Promise<void> | undefined;
  /** API calls made by the view (the benchmark asserts none happen per admission in steady state). */
  apiCalls = 0;

  managers(): Manager[] {
    if (this.loaded) return this.loaded.managers;
    const i = this.informers;
    return i ? [...i.ipsm.values(), ...i.cipsm.values()] : [];
  }

  namespace(name: string): ObjectMeta {
    return this.known(name) ?? { name };
  }

  private known(name: string): ObjectMeta | undefined {
    return this.loaded?.namespaces.get(name) ?? this.informers?.ns.get(undefined, name);
  }

  /**
   * The namespace from the view; one that the watch has not delivered yet (created a moment ago: its default
   * ServiceAccount is often admitted first) is waited for on the watch, so a namespaceSelector sees its labels.
   * Admission makes no API call for it (its ClusterRole has no `get` on namespaces).
   */
  async namespaceFresh(name: string): Promise<ObjectMeta> {
    const known = this.known(name);
    if (known || !name || !this.informers) return known ?? { name };
    const found = await this.informers.ns.waitFor(
      undefined,
      name,
      o => o !== undefined,
      NS_WAIT_MS,
    );
    return found?.obj ?? { name };
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
    this.loaded = { managers, namespaces: new Map(namespaces.map(n => [n.name, n])) };
    this.warming = Promise.resolve();
  }

  private async warm() {
    const client = apiClient();
    const informers = {
      ipsm: new Informer(client, {
        name: "imagepullsecretmanagers",
        path: paths.namespacedManagers(),
        slim: slimManager(KIND_NAMESPACED),
      }),
      cipsm: new Informer(client, {
        name: "clusterimagepullsecretmanagers",
        path: paths.clusterManagers(),
        slim: slimManager(KIND_CLUSTER),
      }),
      ns: new Informer(client, {
        name: "namespaces",
        path: paths.namespaces(),
        slim: slimNamespace,
      }),
    };
    this.apiCalls += 3;
    await Promise.all(Object.values(informers).map(i => i.start()));
    this.informers = informers;
    Log.info(
      { managers: this.managers().length, namespaces: informers.ns.size },
      "Cheiron admission view ready",
    );
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
