// What admission (src/admission/mutate.ts) references, from a manager's status alone: admission reads no Secret,
// so it references only what the controller has, or is about to create, in a namespace. The stuck-Pod check
// (src/domain/stuck-recreate.ts) asks the same question for a Pod that would be created again.
import { buildConfirmedAttachNames, buildSecretRegistries } from "./desired";
import type { Manager, ObjectMeta } from "./model";
import { buildDesiredReferences } from "./references";

/** The names admission may reference for manager `m` in namespace `ns`. */
export const buildAdmissionAttachNames = (m: Manager, ns: string): string[] =>
  buildConfirmedAttachNames(m, ns);

/** Secret name -> registry hosts, as admission knows them (inline entries and status.registries). */
export const buildAdmissionRegistries = (m: Manager, ns: string): Record<string, string[]> =>
  buildSecretRegistries(
    m,
    ns,
    Object.fromEntries((m.status?.registries ?? []).map(r => [r.secret, r.registries])),
  );

/** The names Pod admission adds to a Pod (`pod`, with the registries of its images) in `ns`. */
export function buildAdmittedPodNames(
  pod: ObjectMeta,
  ns: ObjectMeta,
  managers: Manager[],
  podRegistries: string[],
): string[] {
  return buildDesiredReferences(
    pod,
    ns,
    managers,
    "Pod",
    buildAdmissionAttachNames,
    podRegistries,
    buildAdmissionRegistries,
  );
}
