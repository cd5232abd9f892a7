// Properties of planSecrets over random desired Secrets and random existing Secrets (ours, legacy, another
// manager's, a user's, opted in to adoption, with valid, forged or missing owner proofs): the plan applied as
// the controller applies it (src/k8s/secrets.ts) gives an empty plan; writes only touch what is provably ours or
// opted in; deletes only what passes the ownership check.
import fc from "fast-check";
import {
  ANNOTATION_ADOPTED,
  ANNOTATION_OWNER,
  ANNOTATION_OWNER_PROOF,
  ANNOTATION_RECONCILABLE,
  LABEL_CONTENT_HASH,
  LABEL_MANAGED_BY,
  LABEL_MANAGER,
  MANAGED_BY_VALUE,
} from "../constants";
import { buildContentHash } from "./dockerconfig";
import type { DesiredSecret, ExistingSecret, SecretPlan } from "./model";
import { buildOwnerProof, checkOwnership } from "./ownership";
import { planSecrets } from "./plan";
import { RUNS } from "../../test/unit/helpers/arbitraries";

const KEY = Buffer.alloc(32, 7);
const UID = "uid-m";
const ID = "cipsm.m";
const LEGACY = "cipsm.h0123";
const OWNER = "ClusterImagePullSecretManager/m";
const TYPES = ["kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg", "Opaque"];
const ns = fc.constantFrom("a", "b");
const name = fc.constantFrom("s1", "s2", "s3");
const data = fc.constantFrom<Record<string, string>>({ k: "MQ==" }, { k: "Mg==" }, {});
const proofOf = (namespace: string, n: string) => buildOwnerProof(KEY, UID, namespace, n);
const ownership = (e: ExistingSecret) => checkOwnership(e, KEY, UID);

const desiredSecret = fc
  .record({ namespace: ns, name, type: fc.constantFrom(...TYPES.slice(0, 2)), data })
  .map(
    (d): DesiredSecret => ({
      ...d,
      hash: buildContentHash(d.type, d.data),
      managerId: ID,
      owner: OWNER,
      registries: [],
      ownerProof: proofOf(d.namespace, d.name),
    }),
  );

const existingSecret = fc
  .record({
    namespace: ns,
    name,
    type: fc.option(fc.constantFrom(...TYPES), { nil: undefined }),
    data,
    managerLabel: fc.constantFrom(undefined, ID, LEGACY, "cipsm.other", ""),
    proof: fc.constantFrom("valid", "mismatched", "none"),
    reconcilable: fc.boolean(),
    adopted: fc.boolean(),
    onlyHash: fc.boolean(),
  })
  .map((e): ExistingSecret => {
    const labels: Record<string, string> =
      e.managerLabel === undefined
        ? {}
        : { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_MANAGER]: e.managerLabel };
    const annotations: Record<string, string> = {
      ...(e.proof === "valid" ? { [ANNOTATION_OWNER_PROOF]: proofOf(e.namespace, e.name) } : {}),
      ...(e.proof === "mismatched" ? { [ANNOTATION_OWNER_PROOF]: proofOf(e.namespace, "x") } : {}),
      ...(e.reconcilable ? { [ANNOTATION_RECONCILABLE]: "true" } : {}),
      ...(e.adopted ? { [ANNOTATION_ADOPTED]: "true" } : {}),
    };
    const hash = buildContentHash(e.type ?? "Opaque", e.data);
    return {
      namespace: e.namespace,
      name: e.name,
      ...(e.type !== undefined ? { type: e.type } : {}),
      labels,
      annotations,
      ...(e.onlyHash ? { dataHash: hash } : { data: e.data }),
    };
  });

const key = (s: { namespace: string; name: string }) => `${s.namespace}/${s.name}`;
const world = fc.record({
  desired: fc.array(desiredSecret, { maxLength: 6 }),
  existing: fc.uniqueArray(existingSecret, { selector: key, maxLength: 6 }),
});
const plan = (desired: DesiredSecret[], existing: ExistingSecret[]) =>
  planSecrets(ID, desired, existing, {}, LEGACY, ownership);

/** What src/k8s/secrets.ts writes: a create (or a replace) is the desired Secret with Cheiron's metadata. */
const written = (d: DesiredSecret, e?: ExistingSecret, adopt = false): ExistingSecret => ({
  namespace: d.namespace,
  name: d.name,
  type: e?.type ?? d.type,
  labels: {
    ...(e?.labels ?? {}),
    [LABEL_MANAGED_BY]: MANAGED_BY_VALUE,
    [LABEL_MANAGER]: d.managerId,
    [LABEL_CONTENT_HASH]: d.hash,
  },
  annotations: {
    ...(e?.annotations ?? {}),
    [ANNOTATION_OWNER]: d.owner,
    ...(d.ownerProof ? { [ANNOTATION_OWNER_PROOF]: d.ownerProof } : {}),
    ...(adopt ? { [ANNOTATION_ADOPTED]: "true" } : {}),
  },
  data: d.data,
});

function apply(p: SecretPlan, existing: ExistingSecret[]): ExistingSecret[] {
  const byKey = new Map(existing.map(e => [key(e), e]));
  for (const d of p.create) byKey.set(key(d), written(d));
  for (const u of p.update)
    byKey.set(
      key(u.desired),
      u.replace ? written(u.desired) : written(u.desired, u.existing, u.adopt),
    );
  for (const e of p.delete) byKey.delete(key(e));
  return [...byKey.values()];
}

/** The manager a Secret is labelled with (an empty manager label names none). */
const managerOf = (e: ExistingSecret) =>
  e.labels?.[LABEL_MANAGED_BY] === MANAGED_BY_VALUE
    ? e.labels?.[LABEL_MANAGER] || undefined
    : undefined;

describe("planSecrets (property)", () => {
  it("is idempotent: planning the applied plan again writes nothing", () =>
    fc.assert(
      fc.property(world, ({ desired, existing }) => {
        const after = apply(plan(desired, existing), existing);
        const again = plan(desired, after);
        expect({ create: again.create, update: again.update, delete: again.delete }).toEqual({
          create: [],
          update: [],
          delete: [],
        });
      }),
      RUNS,
    ));

  it("never creates over an existing Secret, and writes only ours (proven, or unproven with exactly the desired data) or opted-in adoptions", () =>
    fc.assert(
      fc.property(world, ({ desired, existing }) => {
        const p = plan(desired, existing);
        const present = new Set(existing.map(key));
        for (const d of p.create) expect(present.has(key(d))).toBe(false);
        for (const u of p.update) {
          const owner = managerOf(u.existing);
          if (owner === ID || owner === LEGACY) {
            expect(u.adopt).toBe(false);
            const check = ownership(u.existing);
            expect(u.reprove).toBe(check === "proven" ? undefined : check);
            if (check !== "proven") {
              expect(u.existing.type ?? "Opaque").toBe(u.desired.type);
              expect(u.existing.data ?? u.existing.dataHash).toEqual(
                u.existing.data ? u.desired.data : u.desired.hash,
              );
            }
          } else {
            expect(u.adopt).toBe(true);
            expect(owner).toBeUndefined();
            expect(u.existing.annotations?.[ANNOTATION_RECONCILABLE]).toBe("true");
            expect(u.existing.type ?? "Opaque").toBe(u.desired.type);
          }
        }
      }),
      RUNS,
    ));

  it("deletes only Secrets labelled as this manager's whose proof is valid, never a desired one", () =>
    fc.assert(
      fc.property(world, ({ desired, existing }) => {
        const p = plan(desired, existing);
        const wanted = new Set(desired.map(key));
        for (const e of p.delete) {
          expect([ID, LEGACY]).toContain(managerOf(e));
          expect(ownership(e)).toBe("proven");
          expect(wanted.has(key(e))).toBe(false);
        }
      }),
      RUNS,
    ));

  it("lists each desired Secret at most once across create, update and problems, and attaches only those it writes or keeps", () =>
    fc.assert(
      fc.property(world, ({ desired, existing }) => {
        const p = plan(desired, existing);
        const touched = [...p.create.map(key), ...p.update.map(u => key(u.desired))];
        expect(new Set(touched).size).toBe(touched.length);
        const blocked = new Set(p.problems.map(x => `${x.namespace}/${x.secret}`));
        for (const [namespace, names] of Object.entries(p.attachable))
          for (const n of names) expect(blocked.has(`${namespace}/${n}`)).toBe(false);
      }),
      RUNS,
    ));
});
