// Secret I/O: reads of sources and owned Secrets, and the writes a SecretPlan asks for.
import { K8s, kind } from "pepr";
import type { DesiredSecret, ExistingSecret, SourceSecret } from "../domain/model";
import {
  ANNOTATION_ADOPTED,
  ANNOTATION_OWNER,
  LABEL_CONTENT_HASH,
  LABEL_MANAGED_BY,
  LABEL_MANAGER,
  MANAGED_BY_VALUE,
} from "../constants";
import { isNotFound } from "./errors";

type SecretObject = InstanceType<typeof kind.Secret>;

export function toExistingSecret(s: SecretObject): ExistingSecret {
  return {
    namespace: s.metadata?.namespace ?? "",
    name: s.metadata?.name ?? "",
    type: s.type,
    labels: s.metadata?.labels,
    annotations: s.metadata?.annotations,
    resourceVersion: s.metadata?.resourceVersion,
    data: s.data,
  };
}

export async function getSourceSecret(
  namespace: string,
  name: string,
): Promise<SourceSecret | undefined> {
  try {
    const s = await K8s(kind.Secret).InNamespace(namespace).Get(name);
    return { namespace, name, type: s.type, data: s.data };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Every Secret Cheiron manages, cluster-wide (one list call). */
export async function listManagedSecrets(): Promise<ExistingSecret[]> {
  const list = await K8s(kind.Secret).WithLabel(LABEL_MANAGED_BY, MANAGED_BY_VALUE).Get();
  return list.items.map(toExistingSecret);
}

/** Secrets with one of these names in the given namespaces (one list call per name, or one per namespace). */
export async function listSecretsNamed(
  names: string[],
  namespaces: string[],
): Promise<ExistingSecret[]> {
  if (names.length === 0 || namespaces.length === 0) return [];
  const wanted = new Set(namespaces);
  if (namespaces.length === 1) {
    const list = await K8s(kind.Secret).InNamespace(namespaces[0]).Get();
    return list.items.map(toExistingSecret).filter(s => names.includes(s.name));
  }
  const lists = await Promise.all(
    names.map(n => K8s(kind.Secret).WithField("metadata.name", n).Get()),
  );
  return lists.flatMap(l => l.items.map(toExistingSecret)).filter(s => wanted.has(s.namespace));
}

function ownedMetadata(d: DesiredSecret, existing?: ExistingSecret, adopt = false) {
  const adopted = adopt || existing?.annotations?.[ANNOTATION_ADOPTED] === "true";
  return {
    labels: {
      ...(existing?.labels ?? {}),
      [LABEL_MANAGED_BY]: MANAGED_BY_VALUE,
      [LABEL_MANAGER]: d.managerId,
      [LABEL_CONTENT_HASH]: d.hash,
    },
    annotations: {
      ...(existing?.annotations ?? {}),
      [ANNOTATION_OWNER]: d.owner,
      ...(adopted ? { [ANNOTATION_ADOPTED]: "true" } : {}),
    },
  };
}

export async function createSecret(d: DesiredSecret): Promise<void> {
  await K8s(kind.Secret).Create({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: d.name, namespace: d.namespace, ...ownedMetadata(d) },
    type: d.type,
    data: d.data,
  });
}

/** Replaces data, labels and owner annotation, guarded by resourceVersion (a concurrent edit gives 409). */
export async function updateSecret(
  d: DesiredSecret,
  existing: ExistingSecret,
  adopt = false,
): Promise<void> {
  const md = ownedMetadata(d, existing, adopt);
  await K8s(kind.Secret, { name: d.name, namespace: d.namespace }).Patch([
    { op: "replace", path: "/metadata/resourceVersion", value: existing.resourceVersion },
    { op: existing.labels ? "replace" : "add", path: "/metadata/labels", value: md.labels },
    {
      op: existing.annotations ? "replace" : "add",
      path: "/metadata/annotations",
      value: md.annotations,
    },
    { op: existing.data ? "replace" : "add", path: "/data", value: d.data },
  ]);
}

export async function deleteSecret(s: ExistingSecret): Promise<void> {
  await K8s(kind.Secret).InNamespace(s.namespace).Delete(s.name);
}

export const isAdopted = (s: ExistingSecret) => s.annotations?.[ANNOTATION_ADOPTED] === "true";

/** Hands a Secret back: Cheiron's labels and annotations removed, data left as it is. */
export async function releaseSecret(s: ExistingSecret): Promise<void> {
  const ours = [
    LABEL_MANAGED_BY,
    LABEL_MANAGER,
    LABEL_CONTENT_HASH,
    ANNOTATION_OWNER,
    ANNOTATION_ADOPTED,
  ];
  const keep = (m?: Record<string, string>) =>
    Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => !ours.includes(k)));
  await K8s(kind.Secret, { name: s.name, namespace: s.namespace }).Patch([
    { op: "replace", path: "/metadata/resourceVersion", value: s.resourceVersion },
    { op: s.labels ? "replace" : "add", path: "/metadata/labels", value: keep(s.labels) },
    {
      op: s.annotations ? "replace" : "add",
      path: "/metadata/annotations",
      value: keep(s.annotations),
    },
  ]);
}

/** What "delete" means for a Secret Cheiron owns: created ones are deleted, adopted ones released. */
export const retireSecret = (s: ExistingSecret) =>
  isAdopted(s) ? releaseSecret(s) : deleteSecret(s);
