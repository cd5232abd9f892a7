// Spec and status of the two Cheiron kinds, as the CRDs in crds/ define them (test/unit/crd-types.test.ts
// checks that the two agree). Pure types: no runtime import of pepr here.

export type Mode = "ServiceAccount" | "Pod";
export type DeletionPolicy = "Delete" | "Orphan";

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface ExistingSecretRef {
  /** Name of the source Secret. */
  name: string;
  /** Namespace of the source Secret: required on the cluster kind, forbidden on the namespaced kind. */
  namespace?: string;
}

/** Exactly one of: inline credentials (registry, username, password, email) or existingSecretRef. */
export interface SecretEntry {
  name?: string;
  registry?: string;
  username?: string;
  password?: string;
  email?: string;
  existingSecretRef?: ExistingSecretRef;
}

export interface ServiceAccountSelection {
  /** ServiceAccount names; combined with selector by OR. Empty with no selector: every ServiceAccount. */
  names?: string[];
  selector?: LabelSelector;
}

export interface ImagePullSecretManagerSpec {
  mode?: Mode;
  secrets: SecretEntry[];
  serviceAccounts?: ServiceAccountSelection;
  deletionPolicy?: DeletionPolicy;
  /** Compute and report the plan (status and an Event), write nothing. */
  dryRun?: boolean;
  /** Pod mode only: attach only the Secrets whose registry one of the Pod's images uses. */
  matchImageRegistries?: boolean;
  /**
   * Delete Pods stuck on an image pull without this manager's Secrets when a ReplicaSet, StatefulSet, DaemonSet
   * or Job controls them, so they come back with the references; never a bare Pod.
   */
  recreateStuckPods?: boolean;
  /** At most this many such deletions a minute (1 to 100, default 10). */
  recreateStuckPodsPerMinute?: number;
  /** Credential health: check each credential against its registry (off unless enabled). */
  verify?: VerifySpec;
}

export interface VerifySpec {
  enabled?: boolean;
  /** Check again this often (1 to 10080 minutes, default 360), and whenever a credential changes. */
  intervalMinutes?: number;
}

export interface ClusterImagePullSecretManagerSpec extends ImagePullSecretManagerSpec {
  /** Namespaces in scope; default every namespace. */
  namespaceSelector?: LabelSelector;
  excludeNamespaces?: string[];
  /** System namespaces (kube-system, kube-public, kube-node-lease, pepr-system) to include anyway. */
  includeSystemNamespaces?: string[];
}

export interface Condition {
  type: "Ready" | "Degraded" | "CredentialsValid";
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export type ProblemReason =
  | "PlaceholderReference"
  | "SourceSecretMissing"
  | "SourceSecretInvalid"
  | "SecretConflict"
  | "ManagerConflict"
  | "WriteFailed";

export interface Problem {
  namespace: string;
  secret?: string;
  reason: ProblemReason;
  message: string;
}

export interface ManagerStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  /** Namespaces in scope. */
  namespaces?: number;
  /** Managed Secrets present (or, in dry-run, that would be). */
  secrets?: number;
  /** ServiceAccounts carrying our references (ServiceAccount mode). */
  serviceAccounts?: number;
  /** Pods carrying our references (Pod mode). */
  pods?: number;
  /** Pods waiting on an image pull without a Secret this manager provides, at the last check (absent: none). */
  stuckPods?: number;
  /** The first 20 of them, as namespace/name, sorted. */
  stuckPodNames?: string[];
  /** The first 20 stuck Pods a new Pod from the same template would not fix either, and why (never deleted). */
  stuckPodReasons?: StuckPodReason[];
  /** At most MAX_STATUS_PROBLEMS problems; problemCount has the total. */
  problems?: Problem[];
  problemCount?: number;
  /** Dry-run: the writes a real run would make, one line each (bounded). */
  plan?: string[];
  /** Registry hosts each attached Secret holds credentials for (no credentials), for registry-aware Pod mode. */
  registries?: SecretRegistries[];
  /** spec.verify: the last check of each credential (never the credential). */
  credentials?: CredentialCheck[];
  /** Per Secret name, the namespaces where it is not referenced (create failed, or not this manager's there). */
  unattachable?: UnattachableSecret[];
}

export interface StuckPodReason {
  /** namespace/name. */
  pod: string;
  reason: string;
}

export type CredentialResult = "Valid" | "Rejected" | "Unreachable";

export interface CredentialCheck {
  secret: string;
  /** The registry (auth key) the credential is for. */
  registry: string;
  result: CredentialResult;
  /** RFC 3339, seconds. */
  checkedAt: string;
  message: string;
}

export interface UnattachableSecret {
  secret: string;
  namespaces: string[];
}

export interface SecretRegistries {
  secret: string;
  registries: string[];
}
