// Proof that Cheiron created (or adopted) a Secret for a manager. Labels alone can be forged by anyone who may
// patch a Secret; the proof is an HMAC of the manager's uid and the Secret's namespace and name under a key
// only the watcher holds (a Secret in the module's namespace), so it cannot be computed or moved elsewhere.
import { createHmac, timingSafeEqual } from "node:crypto";
import { ANNOTATION_OWNER_PROOF } from "../constants";
import type { ExistingSecret } from "./model";

export type Ownership = "proven" | "legacy" | "mismatched";

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
 * "proven": the proof matches; "legacy": no proof at all (written before proofs existed, or forged without one);
 * "mismatched": a proof that does not match (made under a key since lost, for the manager's earlier uid, or
 * copied, guessed, for another manager). Neither of the last two is ever deleted; both are re-proven only when
 * their data is already exactly what the manager wants (plan.ts), so nothing a tenant labels is ever taken over.
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
  return got.length === want.length && timingSafeEqual(got, want) ? "proven" : "mismatched";
}

/** Secret names a re-proof Event lists at most. */
export const EVENT_SECRET_NAMES = 5;

/**
 * The Normal OwnershipReproven Event for the Secrets whose proof was just rewritten (plan.ts `reprove`): names and
 * why, never data. Undefined when there are none.
 */
export function buildReprovenEvent(
  secrets: { namespace: string; name: string; reprove?: Exclude<Ownership, "proven"> }[],
): { type: "Normal"; reason: "OwnershipReproven"; message: string } | undefined {
  const names = (why: Ownership) => {
    const all = secrets
      .filter(s => s.reprove === why)
      .map(s => `${s.namespace}/${s.name}`)
      .sort();
    const shown = all.slice(0, EVENT_SECRET_NAMES).join(", ");
    return all.length > EVENT_SECRET_NAMES
      ? `${shown} and ${all.length - EVENT_SECRET_NAMES} more`
      : shown;
  };
  const parts = [
    [
      names("mismatched"),
      "an ownership proof that no longer matches (the ownership key was created anew, or the manager's uid changed)",
    ],
    [names("legacy"), "no ownership proof (written before proofs existed)"],
  ].filter(([list]) => list !== "");
  if (parts.length === 0) return undefined;
  const message =
    "Took back Secrets labelled as this manager's that hold exactly its data but carried " +
    parts.map(([list, why]) => `${why}: ${list}`).join("; and ") +
    ". Their ownership proof was rewritten with the current key.";
  return { type: "Normal", reason: "OwnershipReproven", message };
}
