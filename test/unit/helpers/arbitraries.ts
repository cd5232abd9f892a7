// fast-check generators shared by the property tests of src/domain (*.property.test.ts); not used at runtime.
// Small pools on purpose: names, namespaces and labels collide often, which is where the interesting cases are.
import fc from "fast-check";
import type { LabelSelector, SecretEntry } from "../../../src/api/types";
import { ANNOTATION_IGNORE, ANNOTATION_RECONCILABLE } from "../../../src/constants";
import type { Manager, ObjectMeta } from "../../../src/domain/model";

export const RUNS = { numRuns: 300 };

export const NAMES = ["a", "b", "c", "d", "x", "y"];
export const NAMESPACES = ["n1", "n2", "kube-system"];
export const MANAGER_IDS = ["cipsm.a", "cipsm.b", "ipsm.n1.c", "cipsm.new"];

export const secretName = fc.constantFrom(...NAMES);
export const namespaceName = fc.constantFrom(...NAMESPACES);

const labelMap = fc.dictionary(fc.constantFrom("team", "env"), fc.constantFrom("x", "y"), {
  maxKeys: 2,
});

export const selector: fc.Arbitrary<LabelSelector> = fc.record(
  {
    matchLabels: labelMap,
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({
          key: fc.constantFrom("team", "env"),
          operator: fc.constantFrom("In" as const, "NotIn" as const),
          values: fc.array(fc.constantFrom("x", "y"), { minLength: 1, maxLength: 2 }),
        }),
        fc.record({
          key: fc.constantFrom("team", "env"),
          operator: fc.constantFrom("Exists" as const, "DoesNotExist" as const),
        }),
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

/** An opt-out, an opt-in marker or nothing, as users write them. */
export const optAnnotations = fc.dictionary(
  fc.constantFrom(ANNOTATION_IGNORE, ANNOTATION_RECONCILABLE),
  fc.constantFrom("true", "false", "yes"),
  { maxKeys: 2 },
);

export const objectMeta = (namespace?: string): fc.Arbitrary<ObjectMeta> =>
  fc.record({
    name: fc.constantFrom("default", "builder", "n1", "n2", "kube-system"),
    ...(namespace ? { namespace: fc.constant(namespace) } : {}),
    labels: labelMap,
    annotations: optAnnotations,
    terminating: fc.boolean(),
  });

const inlineEntry: fc.Arbitrary<SecretEntry> = fc.record({
  name: secretName,
  registry: fc.constantFrom("ghcr.io", "quay.io", "docker.io", "localhost:5000"),
  username: fc.constant("u"),
  password: fc.constant("p"),
});
const refEntry = (cluster: boolean): fc.Arbitrary<SecretEntry> =>
  fc.record(
    {
      name: secretName,
      existingSecretRef: fc.record({
        name: fc.oneof(secretName, fc.constant("<placeholder>")),
        ...(cluster ? { namespace: namespaceName } : {}),
      }),
    },
    { requiredKeys: ["existingSecretRef"] },
  );

/** A manager of either kind with a random (not necessarily valid) selection, mode and lifecycle. */
export const manager: fc.Arbitrary<Manager> = fc
  .tuple(
    fc.boolean(),
    fc.constantFrom("m1", "m2", "m3"),
    fc.constantFrom("n1", "n2"),
    fc.constantFrom("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"),
    fc.boolean(),
  )
  .chain(([cluster, name, namespace, creationTimestamp, deleting]) =>
    fc
      .record(
        {
          mode: fc.constantFrom("ServiceAccount" as const, "Pod" as const),
          secrets: fc.array(fc.oneof(inlineEntry, refEntry(cluster)), { maxLength: 4 }),
          serviceAccounts: fc.record(
            { names: fc.array(fc.constantFrom("default", "builder")), selector },
            { requiredKeys: [] },
          ),
          dryRun: fc.boolean(),
          matchImageRegistries: fc.boolean(),
          ...(cluster
            ? {
                namespaceSelector: selector,
                excludeNamespaces: fc.array(namespaceName, { maxLength: 2 }),
                includeSystemNamespaces: fc.array(fc.constant("kube-system"), { maxLength: 1 }),
              }
            : {}),
        },
        { requiredKeys: ["secrets"] },
      )
      .map(
        (spec): Manager => ({
          kind: cluster ? "ClusterImagePullSecretManager" : "ImagePullSecretManager",
          name,
          ...(cluster ? {} : { namespace }),
          uid: `uid-${cluster ? "" : namespace}-${name}`,
          generation: 1,
          creationTimestamp,
          deleting,
          spec,
        }),
      ),
  );

/** A Pod's images, from several registries (and Docker Hub short names). */
export const pod = fc.record({
  spec: fc.record({
    containers: fc.array(
      fc.record({
        image: fc.constantFrom("nginx", "ghcr.io/o/i:1", "quay.io/x", "localhost:5000/y", " "),
      }),
      { maxLength: 3 },
    ),
  }),
});
