// The bad-input corpus: hostile managers and source Secrets, each with the outcome Cheiron promises for it.
// Run against the pure functions by corpus.test.ts and, for the cases marked `cluster`, through the real
// apiserver and module by test/integration/corpus.test.ts.
import type { ProblemReason } from "../../../src/api/types";

export type Kind = "ImagePullSecretManager" | "ClusterImagePullSecretManager";

/** What validateManager (the module's Validate webhook) says. */
export type Outcome =
  /** Refused: the errors contain this sentence (or part of it). */
  | { refused: string }
  /** Accepted (warnings allowed; `warning` must be among them), and, with `problem`, reported in status. */
  | { accepted: true; warning?: string; problem?: ProblemReason };

/** What the real apiserver does with the manifest (`kubectl apply`). */
export type ClusterOutcome =
  /** Refused by the CRD's OpenAPI schema, its CEL rules or strict field validation (no webhook involved). */
  | { schema: string }
  /** Passes the CRD, refused by the module's Validate webhook with this message. */
  | { webhook: string }
  /** Stored; the manager's status lists a problem with this reason. */
  | { reported: ProblemReason };

export interface ManagerCase {
  what: string;
  kind: Kind;
  spec: unknown;
  outcome: Outcome;
  cluster?: ClusterOutcome;
}

export interface SourceCase {
  what: string;
  /** The source Secret `src` (undefined: it does not exist); data values are base64, as the API returns them. */
  source?: { type?: string; data?: Record<string, string> };
  /** Readable: the registries it holds; otherwise the Problem reported and part of its message. */
  outcome: { registries: string[] } | { problem: ProblemReason; message: string };
  /** The apiserver stores such a Secret (a dockerconfigjson that is not JSON cannot even be created). */
  cluster?: boolean;
}

export const ipsm = (what: string, spec: unknown, outcome: Outcome, cluster?: ClusterOutcome) =>
  ({ what, kind: "ImagePullSecretManager", spec, outcome, cluster }) as ManagerCase;
export const cipsm = (what: string, spec: unknown, outcome: Outcome, cluster?: ClusterOutcome) =>
  ({ what, kind: "ClusterImagePullSecretManager", spec, outcome, cluster }) as ManagerCase;

/** A complete, valid inline entry, to be spoiled one field at a time. */
export const ok = (name = "ok") => ({ name, registry: "ghcr.io", username: "u", password: "p" });
export const ref = (name: string, namespace?: string) => ({
  existingSecretRef: { name, ...(namespace !== undefined ? { namespace } : {}) },
});
export const withRegistry = (registry: string) => ({ secrets: [{ ...ok(), registry }] });
export const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export const NOT_A_REGISTRY = "is not a registry host, host:port or http(s) URL";
export const NOT_A_SECRET_NAME = "is not a valid Secret name: use lowercase letters";
export const accepted: Outcome = { accepted: true };
/** The name of a 254-character DNS subdomain (one over the limit) and of a 253-character one. */
export const LONG_254 = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(62)].join(".");
export const LONG_253 = LONG_254.slice(1);
export const MIB = "x".repeat(1024 * 1024);
