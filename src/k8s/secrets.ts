// Secret writes a SecretPlan asks for, through Cheiron's pooled client. Each write is guarded by the
// resourceVersion it was computed from (a concurrent edit gives 409) and returns the stored object, which
// the caller puts into its cache (write-through).
import type { DesiredSecret, ExistingSecret } from "../domain/model";
import {
  ANNOTATION_ADOPTED,
  ANNOTATION_OWNER,
  ANNOTATION_OWNER_PROOF,
  LABEL_CONTENT_HASH,
  LABEL_MANAGED_BY,
  LABEL_MANAGER,
} from "../constants";
import { buildCreateMetadata } from "../domain/write-through";
import { apiClient } from "./client";
import { isNotFound } from "./errors";
import { paths } from "./paths";
import { annotationOps, PatchOp } from "./patches";

export type SecretObject = { metadata?: { name?: string; namespace?: string } };

const ownedLabels = (d: DesiredSecret, existing?: ExistingSecret) => ({
  ...(existing?.labels ?? {}),
  ...buildCreateMetadata(d).labels,
});

export async function createSecret(d: DesiredSecret): Promise<SecretObject> {
  return apiClient().create(paths.secrets(d.namespace), {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: d.name, namespace: d.namespace, ...buildCreateMetadata(d) },
    type: d.type,
    data: d.data,
  });
}

/** Replaces data and Cheiron's labels and annotations (adopt marks the Secret as adopted). */
export async function updateSecret(
  d: DesiredSecret,
  existing: ExistingSecret,
  adopt = false,
): Promise<SecretObject> {
  const adopted = adopt || existing.annotations?.[ANNOTATION_ADOPTED] === "true";
  const ops: PatchOp[] = [
    { op: "replace", path: "/metadata/resourceVersion", value: existing.resourceVersion },
    {
      op: existing.labels ? "replace" : "add",
      path: "/metadata/labels",
      value: ownedLabels(d, existing),
    },
    ...annotationOps(existing, {
      ...buildCreateMetadata(d).annotations,
      ...(adopted ? { [ANNOTATION_ADOPTED]: "true" } : {}),
    }),
    { op: "add", path: "/data", value: d.data },
  ];
  return apiClient().patch(paths.secret(d.namespace, d.name), ops);
}

/**
 * Deletes exactly the Secret that was read: uid and resourceVersion are preconditions (409 if it changed). A
 * 404 is what a delete wants (it is gone already): it resolves, so the caller removes it from its cache.
 */
export async function deleteSecret(s: ExistingSecret): Promise<void> {
  const pre =
    s.uid || s.resourceVersion ? { uid: s.uid, resourceVersion: s.resourceVersion } : undefined;
  try {
    await apiClient().delete(paths.secret(s.namespace, s.name), pre);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

export const isAdopted = (s: ExistingSecret) => s.annotations?.[ANNOTATION_ADOPTED] === "true";

const OUR_LABELS = [LABEL_MANAGED_BY, LABEL_MANAGER, LABEL_CONTENT_HASH];

/** Hands a Secret back: Cheiron's labels and annotations removed, data left as it is. */
export async function releaseSecret(s: ExistingSecret): Promise<SecretObject> {
  const labels = Object.fromEntries(
    Object.entries(s.labels ?? {}).filter(([k]) => !OUR_LABELS.includes(k)),
  );
  const ops: PatchOp[] = [
    { op: "replace", path: "/metadata/resourceVersion", value: s.resourceVersion },
    { op: s.labels ? "replace" : "add", path: "/metadata/labels", value: labels },
    ...annotationOps(s, {
      [ANNOTATION_OWNER]: undefined,
      [ANNOTATION_OWNER_PROOF]: undefined,
      [ANNOTATION_ADOPTED]: undefined,
    }),
  ];
  return apiClient().patch(paths.secret(s.namespace, s.name), ops);
}

/** What "delete" means for a Secret Cheiron owns: created ones are deleted, adopted ones released. */
export async function retireSecret(s: ExistingSecret): Promise<SecretObject | undefined> {
  if (isAdopted(s)) return releaseSecret(s);
  await deleteSecret(s);
  return undefined;
}
