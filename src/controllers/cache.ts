// The watcher's view of the cluster: one informer per kind, fed by watches, read by every unit of work.
// Reconciles read only from here (no list calls); writes go through to it (informer.upsert/remove).
import type {
  ExistingSecret,
  Manager,
  ObjectMeta,
  ServiceAccountRef,
  SourceSecret,
} from "../domain/model";
import { buildManagerKey } from "../domain/ids";
import { buildOwnerProof, matchOwnerProof, Ownership } from "../domain/ownership";
import { KIND_CLUSTER, KIND_NAMESPACED } from "../constants";
import type { ApiClient } from "../k8s/client";
import { ChangeType, Informer } from "../k8s/informer";
import { paths } from "../k8s/paths";
import { slimManager, slimNamespace, slimSecret, slimServiceAccount } from "../k8s/slim";
import { buildSourceRefs } from "./sources";
import { Log } from "pepr";
import { describeError } from "../k8s/errors";
import { loadOwnershipKey } from "../k8s/ownership-key";
import { settings } from "../settings";
import { UnknownOwners } from "./unknown-owners";

/** Owner proofs remembered before the memo starts over (about 150 bytes each). */
const MAX_REMEMBERED_PROOFS = 100_000;

type Handler<T> = (type: ChangeType, obj: T, old: T | undefined, planned: boolean) => void;

export interface CacheHandlers {
  manager: Handler<Manager>;
  namespace: Handler<ObjectMeta>;
  serviceAccount: Handler<ServiceAccountRef>;
  secret: Handler<ExistingSecret>;
}

/** Secrets Cheiron never needs and that can be large: Helm releases and legacy ServiceAccount tokens. */
export const SECRET_FIELD_SELECTOR =
  "type!=helm.sh/release.v1,type!=kubernetes.io/service-account-token";

export class WatcherCache {
  readonly namespacedManagers: Informer<Manager>;
  readonly clusterManagers: Informer<Manager>;
  readonly namespaces: Informer<ObjectMeta>;
  readonly serviceAccounts: Informer<ServiceAccountRef>;
  readonly secrets: Informer<ExistingSecret>;
  /** Owners of recorded entries that this cache does not have (see unknown-owners.ts). */
  readonly unknownOwners = new UnknownOwners(() => settings().unknownOwnerGraceMs);
  /** The key of the owner proofs (set by start()). */
  ownershipKey: Buffer = Buffer.alloc(0);
  private proofs = { key: this.ownershipKey, memo: new Map<string, string>() };

  constructor(client: ApiClient, on: CacheHandlers) {
    this.namespacedManagers = new Informer(client, {
      name: "imagepullsecretmanagers",
      path: paths.namespacedManagers(),
      slim: slimManager(KIND_NAMESPACED),
      onChange: on.manager,
    });
    this.clusterManagers = new Informer(client, {
      name: "clusterimagepullsecretmanagers",
      path: paths.clusterManagers(),
      slim: slimManager(KIND_CLUSTER),
      onChange: on.manager,
    });
    this.namespaces = new Informer(client, {
      name: "namespaces",
      path: paths.namespaces(),
      slim: slimNamespace,
      onChange: on.namespace,
    });
    this.serviceAccounts = new Informer(client, {
      name: "serviceaccounts",
      path: paths.serviceAccounts(),
      slim: slimServiceAccount,
      onChange: on.serviceAccount,
    });
    this.secrets = new Informer(client, {
      name: "secrets",
      path: paths.secrets(),
      query: { fieldSelector: SECRET_FIELD_SELECTOR },
      slim: slimSecret,
      onChange: on.secret,
    });
  }

  private all() {
    return [
      this.namespacedManagers,
      this.clusterManagers,
      this.namespaces,
      this.serviceAccounts,
      this.secrets,
    ] as const;
  }

  async start(): Promise<void> {
    for (let delay = 500; ; delay = Math.min(delay * 2, 30_000)) {
      try {
        this.ownershipKey = await loadOwnershipKey();
        break;
      } catch (e) {
        Log.warn({ error: describeError(e) }, "Cheiron could not read its ownership key; retrying");
        await new Promise(r => setTimeout(r, delay));
      }
    }
    await Promise.all(this.all().map(i => i.start()));
  }

  stop(): void {
    this.all().forEach(i => i.stop());
  }

  managers(): Manager[] {
    return [...this.namespacedManagers.values(), ...this.clusterManagers.values()];
  }

  manager(key: string): Manager | undefined {
    return this.managers().find(m => buildManagerKey(m) === key);
  }

  managerInformer(m: Manager): Informer<Manager> {
    return m.kind === KIND_NAMESPACED ? this.namespacedManagers : this.clusterManagers;
  }

  /** Whether an existing Secret labelled as the manager's carries its valid owner proof. */
  ownership(m: Manager): (e: ExistingSecret) => Ownership {
    return e => matchOwnerProof(e, () => this.proofOf(m, e.namespace, e.name));
  }

  /** The HMAC is remembered per manager, namespace and name: every run of a namespace needs the same ones. */
  proofOf(m: Manager, namespace: string, name: string): string {
    if (this.proofs.key !== this.ownershipKey || this.proofs.memo.size >= MAX_REMEMBERED_PROOFS)
      this.proofs = { key: this.ownershipKey, memo: new Map() };
    const id = `${m.uid}/${namespace}/${name}`;
    let proof = this.proofs.memo.get(id);
    if (proof === undefined) {
      proof = buildOwnerProof(this.ownershipKey, m.uid, namespace, name);
      this.proofs.memo.set(id, proof);
    }
    return proof;
  }

  /** The source Secrets a manager reads that exist (type and data from the cache). */
  sourcesOf(m: Manager): SourceSecret[] {
    const found: SourceSecret[] = [];
    for (const r of buildSourceRefs(m)) {
      const s = this.secrets.get(r.namespace, r.name);
      if (s) found.push({ namespace: r.namespace, name: r.name, type: s.type, data: s.data ?? {} });
    }
    return found;
  }
}
