// Pepr stamps `<uuid>.pepr.dev/<capability>: started|succeeded` on every object its Mutate bindings match,
// even when the callback changes nothing. Cheiron drops that stamp from its patches so an admitted object
// changes only where Cheiron means it to (opted-out objects stay exactly as sent; GitOps tools see no drift).
import type { MutateResponse } from "pepr/dist/lib/k8s";

type Op = { op: string; path: string; value?: unknown };

export function buildStampFreePatch(ops: Op[], stampKey: string): Op[] {
  const stampPath = `/metadata/annotations/${stampKey.replace(/~/g, "~0").replace(/\//g, "~1")}`;
  const out: Op[] = [];
  for (const op of ops) {
    if (op.path === stampPath) continue;
    if (op.path === "/metadata/annotations" && op.value && typeof op.value === "object") {
      const rest = Object.fromEntries(
        Object.entries(op.value as Record<string, unknown>).filter(([k]) => k !== stampKey),
      );
      if (Object.keys(rest).length === 0 && op.op === "add") continue;
      out.push({ ...op, value: rest });
      continue;
    }
    out.push(op);
  }
  return out;
}

export function stripPeprStamp(
  res: MutateResponse | { patch?: string },
  stampKey = "cheiron.pepr.dev/cheiron",
) {
  const r = res as MutateResponse;
  if (!r.patch) return;
  const ops = JSON.parse(Buffer.from(r.patch, "base64").toString("utf8")) as Op[];
  const kept = buildStampFreePatch(ops, stampKey);
  if (JSON.stringify(kept) === JSON.stringify(ops)) return;
  if (kept.length === 0) {
    delete r.patch;
    delete r.patchType;
  } else {
    r.patch = Buffer.from(JSON.stringify(kept)).toString("base64");
  }
}
