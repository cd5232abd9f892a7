// The module's webhook configurations as the scale benchmark removes and restores them around the pure floor.
const GROUP = "/apis/admissionregistration.k8s.io/v1";

export const HOOK_CONFIGS = ["mutating", "validating"].map(kind => ({
  kind,
  path: `${GROUP}/${kind}webhookconfigurations/pepr-cheiron`,
}));

/** An object as read, made into a create body: the fields the server set on it are dropped. */
export function buildRestoredObject(o: unknown): Record<string, unknown> {
  const obj = o as { metadata?: Record<string, unknown> } & Record<string, unknown>;
  const metadata = { ...(obj.metadata ?? {}) };
  for (const f of ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"])
    delete metadata[f];
  return { ...obj, metadata };
}
