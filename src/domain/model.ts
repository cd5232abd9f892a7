// The pure view of the world that src/domain computes over. src/k8s builds these from API objects.
import type { ClusterImagePullSecretManagerSpec, ManagerStatus, Problem } from "../api/types";

export type ManagerKind = "ImagePullSecretManager" | "ClusterImagePullSecretManager";

/** A manager of either kind, normalised (namespaced managers have namespace set and no namespace selection). */
export interface Manager {
  kind: ManagerKind;
  name: string;
  /** Set for ImagePullSecretManager only. */
  namespace?: string;
  uid: string;
  generation: number;
  creationTimestamp: string;
  /** metadata.deletionTimestamp is set. */
  deleting: boolean;
  resourceVersion?: string;
  finalizers?: string[];
  spec: ClusterImagePullSecretManagerSpec;
  status?: ManagerStatus;
}

/** What names a manager: enough for its id, owner reference and queue key. */
export type ManagerRef = Pick<Manager, "kind" | "name" | "namespace">;

/** The metadata that selection needs, of a Namespace, ServiceAccount or Pod. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** metadata.deletionTimestamp is set (a terminating Namespace is never a target). */
  terminating?: boolean;
  resourceVersion?: string;
}

/** A ServiceAccount as the watcher's cache keeps it: only Cheiron's annotations, the names it references. */
export interface ServiceAccountRef extends ObjectMeta {
  namespace: string;
  uid?: string;
  imagePullSecrets?: { name: string }[];
  /** The object has an annotations map at all (annotations above holds only Cheiron's keys). */
  hasAnnotations: boolean;
}

/** A source Secret read for an existingSecretRef (only its type and data matter). */
export interface SourceSecret {
  namespace: string;
  name: string;
  type?: string;
  /** base64-encoded values, as the API returns them. */
  data?: Record<string, string>;
}

/** A Secret Cheiron wants to exist. */
export interface DesiredSecret {
  namespace: string;
  name: string;
  type: string;
  /** base64-encoded values. */
  data: Record<string, string>;
  /** buildContentHash(type, data). */
  hash: string;
  /** buildManagerId(manager). */
  managerId: string;
  /** `<Kind>/<namespace>/<name>` of the manager. */
  owner: string;
  /** Registry hosts it holds credentials for (for registry-aware Pod matching). */
  registries: string[];
  /** buildOwnerProof for this manager, namespace and name (set by the watcher, which holds the key). */
  ownerProof?: string;
}

/** A Secret as it exists in the cluster (only what planning needs). */
export interface ExistingSecret {
  namespace: string;
  name: string;
  type?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  /** base64 values; the watcher's cache keeps them only for Secrets Cheiron does not manage (sources). */
  data?: Record<string, string>;
  /** buildContentHash(type, data) of the Secret as it is, when data itself is not kept. */
  dataHash?: string;
  /** The object has an annotations map at all (the cache may keep only Cheiron's keys in annotations). */
  hasAnnotations?: boolean;
}

export interface SecretPlan {
  create: DesiredSecret[];
  /** Owned Secrets whose content or labels differ (or opted-in Secrets to adopt). */
  update: {
    desired: DesiredSecret;
    existing: ExistingSecret;
    adopt: boolean;
    /** Our Secret's type differs from the desired type: a Secret's type is immutable, so delete and re-create it. */
    replace?: boolean;
    /** Labelled as ours with exactly the desired data but without a valid proof: its proof is rewritten. */
    reprove?: "legacy" | "mismatched";
  }[];
  /** Owned by this manager but no longer desired. */
  delete: ExistingSecret[];
  /** Desired names that stay unattached because of a problem in that namespace. */
  problems: Problem[];
  /** namespace -> Secret names that exist (or will after this plan) and are ours to attach. */
  attachable: Record<string, string[]>;
}

export interface ReferenceMerge {
  imagePullSecrets: { name: string }[];
  /** The annotations Cheiron keeps on the object; a key mapped to undefined is to be removed. */
  annotations: Record<string, string | undefined>;
  /** True when imagePullSecrets or one of our annotations differs from the input. */
  changed: boolean;
}
