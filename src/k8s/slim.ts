// What the watch-fed caches keep of each object: only what Cheiron computes with. ServiceAccounts and managed
// Secrets keep no data and only Cheiron's annotations (writes address single keys, see patches.ts); Secret
// data is kept only for registry Secrets Cheiron does not manage, which may be sources.
import type { ExistingSecret, Manager, ObjectMeta, ServiceAccountRef } from "../domain/model";
import { buildContentHash } from "../domain/dockerconfig";
import {
  GROUP,
  KIND_CLUSTER,
  KIND_NAMESPACED,
  LABEL_MANAGED_BY,
  MANAGED_BY_VALUE,
  SECRET_TYPE_DOCKERCFG,
  SECRET_TYPE_DOCKERCONFIGJSON,
} from "../constants";
import { toManager } from "./managers";

type Raw = {
  kind?: string;
  type?: string;
  data?: Record<string, string>;
  imagePullSecrets?: { name?: string }[];
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: unknown;
  };
};

const PREFIX = `${GROUP}/`;
/** Only Cheiron's own annotations (opt-outs, bookkeeping, owner), or undefined when there are none. */
export function ourAnnotations(a?: Record<string, string>): Record<string, string> | undefined {
  if (!a) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (k.startsWith(PREFIX)) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

const REGISTRY_TYPES = new Set([SECRET_TYPE_DOCKERCONFIGJSON, SECRET_TYPE_DOCKERCFG]);

export function slimNamespace(raw: unknown): ObjectMeta | undefined {
  const md = (raw as Raw)?.metadata;
  if (!md?.name) return undefined;
  return {
    name: md.name,
    labels: md.labels,
    annotations: ourAnnotations(md.annotations),
    terminating: Boolean(md.deletionTimestamp),
    resourceVersion: md.resourceVersion,
  };
}

export function slimServiceAccount(raw: unknown): ServiceAccountRef | undefined {
  const o = raw as Raw;
  const md = o?.metadata;
  if (!md?.name || !md.namespace) return undefined;
  return {
    name: md.name,
    namespace: md.namespace,
    uid: md.uid,
    resourceVersion: md.resourceVersion,
    labels: md.labels,
    annotations: ourAnnotations(md.annotations),
    hasAnnotations: md.annotations !== undefined && md.annotations !== null,
    imagePullSecrets: o.imagePullSecrets?.map(r => ({ name: r.name ?? "" })),
  };
}

export function slimSecret(raw: unknown): ExistingSecret | undefined {
  const o = raw as Raw;
  const md = o?.metadata;
  if (!md?.name || !md.namespace) return undefined;
  const type = o.type ?? "Opaque";
  const managed = md.labels?.[LABEL_MANAGED_BY] === MANAGED_BY_VALUE;
  const registry = REGISTRY_TYPES.has(type);
  return {
    namespace: md.namespace,
    name: md.name,
    type,
    uid: md.uid,
    resourceVersion: md.resourceVersion,
    labels: md.labels,
    annotations: ourAnnotations(md.annotations),
    hasAnnotations: md.annotations !== undefined && md.annotations !== null,
    dataHash: registry ? buildContentHash(type, o.data ?? {}) : undefined,
    data: registry && !managed ? (o.data ?? {}) : undefined,
  };
}

export const slimManager =
  (kindName: typeof KIND_NAMESPACED | typeof KIND_CLUSTER) =>
  (raw: unknown): Manager | undefined => {
    const md = (raw as Raw)?.metadata;
    if (!md?.name) return undefined;
    return toManager(raw as Parameters<typeof toManager>[0], kindName);
  };
