// How Cheiron marks the CRDs it installs: a hash of the CRD's content and the module version that shipped it, as
// annotations. The watcher (crds.ts) applies a CRD only when it is missing, or its hash differs and it was not
// shipped by a newer Cheiron. Pure: used by the module, by scripts/gen-crds.ts and by scripts/build.ts.
import { createHash } from "node:crypto";

export const ANNOTATION_CRD_VERSION = "cheiron.anny.co/crd-version";
export const ANNOTATION_CRD_HASH = "cheiron.anny.co/crd-hash";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface CrdObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { [key: string]: Json };
}
export interface EmbeddedCrd {
  name: string;
  /** crdHash of the CRD as in crds/ (without the annotations above). */
  hash: string;
  object: CrdObject;
}

/** JSON with object keys sorted, so that the hash does not depend on key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

export const crdHash = (crd: CrdObject) =>
  createHash("sha256").update(canonicalJson(crd)).digest("hex").slice(0, 16);

/** The CRD as Cheiron applies it: its content plus the two annotations. */
export function stampCrd(crd: CrdObject, version: string, hash = crdHash(crd)): CrdObject {
  const annotations = {
    ...crd.metadata.annotations,
    [ANNOTATION_CRD_VERSION]: version,
    [ANNOTATION_CRD_HASH]: hash,
  };
  return { ...crd, metadata: { ...crd.metadata, annotations } };
}

/** -1, 0 or 1 for dotted numeric versions ("0.10.0" > "0.9.1"); a pre-release suffix is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split(/[-+]/)[0]
      .split(".")
      .map(n => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

export type CrdAction = "create" | "update" | "unchanged" | "newer-in-cluster";

/** What to do with a CRD given the annotations of the one in the cluster (undefined: missing). */
export function decideCrdAction(
  inCluster: Record<string, string> | undefined | null,
  ours: { version: string; hash: string },
  exists: boolean,
): CrdAction {
  if (!exists) return "create";
  const hash = inCluster?.[ANNOTATION_CRD_HASH];
  const version = inCluster?.[ANNOTATION_CRD_VERSION];
  if (hash === ours.hash) return "unchanged";
  if (version && compareVersions(version, ours.version) > 0) return "newer-in-cluster";
  return "update";
}
