// JSON Patch operations that touch single annotation keys, so an object whose cached copy keeps only
// Cheiron's annotations is never stripped of anyone else's.
import { pointer } from "./paths";

export type PatchOp = { op: "add" | "replace" | "remove" | "test"; path: string; value?: unknown };

/**
 * Sets (string) or removes (undefined) annotation keys. `current.annotations` must hold at least every key
 * named in `changes` that exists on the object; `hasAnnotations` says whether the object has a map at all.
 */
export function annotationOps(
  current: { annotations?: Record<string, string>; hasAnnotations?: boolean },
  changes: Record<string, string | undefined>,
): PatchOp[] {
  const existing = current.annotations ?? {};
  const hasMap = current.hasAnnotations ?? current.annotations !== undefined;
  const sets = Object.entries(changes).filter((e): e is [string, string] => e[1] !== undefined);
  if (!hasMap) {
    return sets.length
      ? [{ op: "add", path: "/metadata/annotations", value: Object.fromEntries(sets) }]
      : [];
  }
  const ops: PatchOp[] = [];
  for (const [k, v] of Object.entries(changes)) {
    const path = `/metadata/annotations/${pointer(k)}`;
    if (v === undefined) {
      if (Object.hasOwn(existing, k)) ops.push({ op: "remove", path });
    } else if (existing[k] !== v) ops.push({ op: "add", path, value: v });
  }
  return ops;
}
