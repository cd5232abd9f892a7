// Properties of buildDesiredReferences and the selection behind it, over random managers of both kinds (modes,
// selectors, exclusions, opt-outs, deleting, dry-run), namespaces, ServiceAccounts and Pods.
import fc from "fast-check";
import { buildConfirmedAttachNames, buildSecretRegistries } from "./desired";
import type { Manager, ObjectMeta } from "./model";
import { buildDesiredReferences } from "./references";
import { buildPodImageRegistries } from "./registry";
import {
  buildTargetNamespaces,
  isManagerCoveringNamespace,
  isManagerSelectingServiceAccount,
  isOptedOut,
} from "./selection";
import { manager, objectMeta, pod, RUNS } from "../../test/unit/helpers/arbitraries";

const modeOf = (m: Manager) => m.spec.mode ?? "ServiceAccount";
const world = fc.record({
  managers: fc.array(manager, { maxLength: 5 }),
  namespace: objectMeta(),
  target: objectMeta(),
  mode: fc.constantFrom("ServiceAccount" as const, "Pod" as const),
  pod,
});
type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

/** As admission computes it: the names each manager has ready, registry-aware in Pod mode. */
function desiredOf(w: World, managers = w.managers): string[] {
  const target: ObjectMeta = { ...w.target, namespace: w.namespace.name };
  return buildDesiredReferences(
    target,
    w.namespace,
    managers,
    w.mode,
    buildConfirmedAttachNames,
    w.mode === "Pod" ? buildPodImageRegistries(w.pod) : undefined,
  );
}

describe("buildDesiredReferences (property)", () => {
  it("never lists a name twice", () =>
    fc.assert(
      fc.property(world, w => {
        const names = desiredOf(w);
        expect(new Set(names).size).toBe(names.length);
      }),
      RUNS,
    ));

  it("is empty when the target or its namespace opted out, or the namespace is terminating", () =>
    fc.assert(
      fc.property(world, w => {
        if (isOptedOut(w.target) || isOptedOut(w.namespace) || w.namespace.terminating)
          expect(desiredOf(w)).toEqual([]);
      }),
      RUNS,
    ));

  it("deleting and dry-run managers contribute nothing", () =>
    fc.assert(
      fc.property(world, w => {
        const live = w.managers.filter(m => !m.deleting && !m.spec.dryRun);
        expect(desiredOf(w)).toEqual(desiredOf(w, live));
      }),
      RUNS,
    ));

  it("every name comes from a live manager of the mode that covers the namespace and selects the target", () =>
    fc.assert(
      fc.property(world, w => {
        for (const n of desiredOf(w)) {
          const from = w.managers.filter(
            m =>
              !m.deleting &&
              !m.spec.dryRun &&
              modeOf(m) === w.mode &&
              isManagerCoveringNamespace(m, w.namespace) &&
              (w.mode === "Pod" || isManagerSelectingServiceAccount(m, w.target)) &&
              buildConfirmedAttachNames(m, w.namespace.name).includes(n),
          );
          expect(from.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    ));

  it("in Pod mode with matchImageRegistries, an inline Secret is attached only for a registry the Pod uses", () =>
    fc.assert(
      fc.property(world, w => {
        if (w.mode !== "Pod") return;
        const registries = buildPodImageRegistries(w.pod);
        const names = desiredOf(w);
        const strict = w.managers.filter(m => m.spec.matchImageRegistries && modeOf(m) === "Pod");
        for (const n of names) {
          // The name is fine if some manager that attaches it does not filter, or the registry matches.
          const ok = w.managers.some(m => {
            if (!buildConfirmedAttachNames(m, w.namespace.name).includes(n)) return false;
            if (!strict.includes(m)) return true;
            const of = buildSecretRegistries(m, w.namespace.name, {});
            return !Object.hasOwn(of, n) || of[n].some(r => registries.includes(r));
          });
          expect(ok).toBe(true);
        }
      }),
      RUNS,
    ));
});

describe("buildTargetNamespaces (property)", () => {
  it("is sorted and unique, never a terminating or opted-out namespace, and only its own for the namespaced kind", () =>
    fc.assert(
      fc.property(manager, fc.array(objectMeta(), { maxLength: 6 }), (m, namespaces) => {
        const targets = buildTargetNamespaces(m, namespaces);
        expect(targets).toEqual([...new Set(targets)].sort());
        for (const t of targets) {
          const ok = namespaces.filter(ns => ns.name === t);
          expect(ok.some(ns => !ns.terminating && !isOptedOut(ns))).toBe(true);
          if (m.kind === "ImagePullSecretManager") expect(t).toBe(m.namespace);
          else expect(m.spec.excludeNamespaces ?? []).not.toContain(t);
        }
      }),
      RUNS,
    ));
});
