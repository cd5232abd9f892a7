// Proof that Cheiron created (or adopted) a Secret for a manager. Labels alone can be forged by anyone who may
// patch a Secret; the proof is an HMAC of the manager's uid and the Secret's namespace and name under a key
// only the watcher holds (a Secret in the module's namespace), so it cannot be computed or moved elsewhere.
import { createHmac, timingSafeEqual } from "node:crypto";
import { ANNOTATION_OWNER_PROOF } from "../constants";
import type { ExistingSecret } from "./model";

export type Ownership = "proven" | "legacy" | "forged";

export function buildOwnerProof(
  key: Buffer,
  managerUid: string,
  namespace: string,
  name: string,
): string {
  return createHmac("sha256", key)
    .update(`${managerUid}/${namespace}/${name}`)
    .digest("hex")
    .slice(0, 40);
}

/**
 * "proven": the proof matches; "legacy": no proof at all (written before proofs existed, or forged without
 * one: either way never deleted, only re-proven when its data is already exactly what the manager wants);
 * "forged": a proof that does not match (copied, guessed, or for another manager).
 */
export function checkOwnership(e: ExistingSecret, key: Buffer, managerUid: string): Ownership {
  return matchOwnerProof(e, () => buildOwnerProof(key, managerUid, e.namespace, e.name));
}

/** checkOwnership against an expected proof computed (or remembered) by the caller. */
export function matchOwnerProof(e: ExistingSecret, expected: () => string): Ownership {
  const proof = e.annotations?.[ANNOTATION_OWNER_PROOF];
  if (proof === undefined) return "legacy";
  const want = Buffer.from(expected());
  const got = Buffer.from(proof);
  return got.length === want.length && timingSafeEqual(got, want) ? "proven" : "forged";
}
