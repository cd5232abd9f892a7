// Every label, annotation, finalizer and name that Cheiron writes or reads lives here.

export const GROUP = "cheiron.anny.co";
export const VERSION = "v1alpha1";
export const API_VERSION = `${GROUP}/${VERSION}`;

export const KIND_NAMESPACED = "ImagePullSecretManager";
export const KIND_CLUSTER = "ClusterImagePullSecretManager";

/** Labels on every Secret Cheiron creates (or adopts): ownership is proven by these, nothing else. */
export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
export const MANAGED_BY_VALUE = "cheiron";
/** Which manager owns the Secret: see buildManagerId. */
export const LABEL_MANAGER = `${GROUP}/manager`;
/** Hash of the Secret's type and data, to detect edits cheaply. */
export const LABEL_CONTENT_HASH = `${GROUP}/content-hash`;
/** Human-readable owner, `<Kind>/<namespace>/<name>` (labels cannot hold slashes). */
export const ANNOTATION_OWNER = `${GROUP}/owner`;

/** HMAC proving that Cheiron wrote the Secret for the manager it is labelled with (see domain/ownership.ts). */
export const ANNOTATION_OWNER_PROOF = `${GROUP}/owner-proof`;
/** The Secret, in the module's namespace, that holds the key of the owner proofs. */
export const OWNERSHIP_KEY_SECRET = "cheiron-ownership-key";
/** The module's namespace (Pepr deploys into pepr-system; `pepr dev` creates it too). */
export const MODULE_NAMESPACE_DEFAULT = "pepr-system";

/** On a Secret Cheiron adopted (its owner opted in): when no longer wanted it is released, never deleted. */
export const ANNOTATION_ADOPTED = `${GROUP}/adopted`;

/** The original Cheiron's annotations, kept so its users recognise them. */
export const ANNOTATION_RECONCILABLE = `${GROUP}/reconcilable`;
export const ANNOTATION_RECONCILE_WITH = `${GROUP}/reconcile-with`;
export const ANNOTATION_RECONCILED = `${GROUP}/reconciled`;
/** `name=managerId,...`: which manager each entry in reconcile-with belongs to (each manager releases only its own). */
export const ANNOTATION_ATTACHED_BY = `${GROUP}/attached-by`;
/** Opt-out on a Namespace, ServiceAccount or Pod. */
export const ANNOTATION_IGNORE = `${GROUP}/ignore`;

export const FINALIZER = `${GROUP}/finalizer`;
/** The field manager of every write (`?fieldManager=cheiron`) and the Events' reporting component. */
export const FIELD_MANAGER = "cheiron";

/** Namespaces a ClusterImagePullSecretManager never touches unless it lists them in includeSystemNamespaces. */
export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "pepr-system"];

/**
 * Namespaces Pepr's admission webhooks never see, so Pod admission adds nothing there: kube-system and pepr-system
 * (always excluded by Pepr) and package.json's pepr.admission.alwaysIgnore (a unit test keeps them in step).
 */
export const ADMISSION_IGNORED_NAMESPACES = ["kube-system", "pepr-system", "kube-node-lease"];

/** At most this many problems are listed in a manager's status (the total is counted). */
export const MAX_STATUS_PROBLEMS = 20;

export const DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";
export const SECRET_TYPE_DOCKERCONFIGJSON = "kubernetes.io/dockerconfigjson";
export const SECRET_TYPE_DOCKERCFG = "kubernetes.io/dockercfg";

/** package.json pepr.uuid: Pepr names the module's objects `pepr-<uuid>` (a unit test keeps them in step). */
export const MODULE_UUID = "cheiron";
/** The module's webhook configurations (Pepr's name for them) and its ServiceAccount in pepr-system. */
export const MODULE_OBJECT_NAME = `pepr-${MODULE_UUID}`;
/** The identity of the module's pods when installed from the manifest or the chart. */
export const MODULE_SERVICE_ACCOUNT_USER = `system:serviceaccount:${MODULE_NAMESPACE_DEFAULT}:${MODULE_OBJECT_NAME}`;
/** The matchConditions entry that keeps Cheiron's own ServiceAccount patches away from its mutating webhook. */
export const OWN_WRITES_CONDITION = "cheiron-skip-own-updates";
