// Builders shared by the src/admission unit tests (not used at runtime): admission requests as the
// apiserver sends them, run through the real handlers against a view loaded without any API.
import { PeprMutateRequest, type a } from "pepr";
import type { AdmissionRequest } from "pepr/dist/lib/common-types";
import type { SecretEntry } from "../../../src/api/types";
import type { Manager, ObjectMeta } from "../../../src/domain/model";
import {
  ANNOTATION_IGNORE,
  ANNOTATION_RECONCILABLE,
  ANNOTATION_ATTACHED_BY,
  ANNOTATION_RECONCILE_WITH,
  ANNOTATION_RECONCILED,
} from "../../../src/constants";
import { mutatePod, mutateServiceAccount } from "../../../src/admission/mutate";
import { admissionView } from "../../../src/admission/view";

export const RW = ANNOTATION_RECONCILE_WITH;
export const OURS = [ANNOTATION_RECONCILE_WITH, ANNOTATION_RECONCILABLE, ANNOTATION_RECONCILED];
export const IGNORE = { [ANNOTATION_IGNORE]: "true" };
export const NOT_RECONCILABLE = { [ANNOTATION_RECONCILABLE]: "false" };

type Annotations = Record<string, string> | undefined;

/** Opt-out rows for it.each: [description, annotations of the object, annotations of its Namespace]. */
export const optOuts = (what: string): [string, Annotations, Annotations][] => [
  [`ignore on the ${what}`, IGNORE, {}],
  [`reconcilable false on the ${what}`, NOT_RECONCILABLE, {}],
  ["ignore on the Namespace", undefined, IGNORE],
  ["reconcilable false on the Namespace", undefined, NOT_RECONCILABLE],
];

/** The three annotations Cheiron writes next to the references it adds. */
/** Cheiron's bookkeeping for `names`; with `by` (one manager id for all, or per name) also attached-by. */
export const ours = (names: string, by?: string | Record<string, string>) => ({
  [ANNOTATION_RECONCILE_WITH]: names,
  [ANNOTATION_RECONCILABLE]: "true",
  [ANNOTATION_RECONCILED]: "true",
  ...(by === undefined
    ? {}
    : {
        [ANNOTATION_ATTACHED_BY]: names
          .split(",")
          .map(n => `${n}=${typeof by === "string" ? by : by[n]}`)
          .join(","),
      }),
});

/** An inline spec.secrets entry. */
export const entry = (name: string, registry = "ghcr.io"): SecretEntry => ({
  name,
  registry,
  username: "u",
  password: "p",
});

export const names = (list?: { name?: string }[]) => list?.map(e => e.name);

/** Fills the admission view; every namespace name without metadata gets a plain Namespace. */
export function world(managers: Manager[], namespaces: (string | ObjectMeta)[] = ["team-a"]) {
  admissionView().load(
    managers,
    namespaces.map(n => (typeof n === "string" ? { name: n } : n)),
  );
}

type Operation = "CREATE" | "UPDATE";
type Meta = { name?: string; namespace?: string; annotations?: Record<string, string> };

function request<T extends { metadata?: Meta }>(
  kind: string,
  resource: string,
  object: T,
  operation: Operation,
  namespace: string,
  oldObject?: T,
) {
  return new PeprMutateRequest<T>({
    uid: "uid-1",
    kind: { group: "", version: "v1", kind },
    resource: { group: "", version: "v1", resource },
    name: object.metadata?.name ?? "",
    namespace,
    operation: operation as AdmissionRequest["operation"],
    userInfo: {},
    object,
    ...(oldObject ? { oldObject } : {}),
  } as AdmissionRequest<T>);
}

export function serviceAccount(
  annotations?: Record<string, string>,
  imagePullSecrets?: string[],
  name = "builder",
): a.ServiceAccount {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace: "team-a", ...(annotations ? { annotations } : {}) },
    ...(imagePullSecrets ? { imagePullSecrets: imagePullSecrets.map(n => ({ name: n })) } : {}),
  };
}

type Images = { containers?: string[]; initContainers?: string[]; ephemeralContainers?: string[] };

export function pod(
  images: Images = { containers: ["nginx"] },
  annotations?: Record<string, string>,
  imagePullSecrets?: string[],
): a.Pod {
  const list = (prefix: string, xs?: string[]) =>
    xs?.map((image, i) => ({ name: `${prefix}${i}`, image }));
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: "team-a", ...(annotations ? { annotations } : {}) },
    spec: {
      containers: list("c", images.containers) ?? [],
      ...(images.initContainers ? { initContainers: list("i", images.initContainers) } : {}),
      ...(images.ephemeralContainers
        ? { ephemeralContainers: list("e", images.ephemeralContainers) }
        : {}),
      ...(imagePullSecrets ? { imagePullSecrets: imagePullSecrets.map(n => ({ name: n })) } : {}),
    },
  } as a.Pod;
}

/** Runs the ServiceAccount handler; returns the object admission would store. */
export async function admitServiceAccount(
  sa: a.ServiceAccount,
  operation: Operation = "CREATE",
  oldObject?: a.ServiceAccount,
  namespace = "team-a",
) {
  const req = request("ServiceAccount", "serviceaccounts", sa, operation, namespace, oldObject);
  await mutateServiceAccount(req);
  return req.Raw;
}

export async function admitPod(p: a.Pod, namespace = "team-a") {
  const req = request("Pod", "pods", p, "CREATE", namespace);
  await mutatePod(req);
  return req.Raw;
}
