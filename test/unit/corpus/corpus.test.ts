// The bad-input corpus against the pure functions: validateManager (the module's Validate webhook) refuses
// each hostile manager with its sentence or accepts it, and what it accepts is reported in status with the
// expected Problem; source Secrets are checked by checkSource and buildDesiredSecrets. Whatever a case holds,
// the desired-state functions never throw on it (a webhook that is down admits everything: failurePolicy Ignore).
import type { ClusterImagePullSecretManagerSpec } from "../../../src/api/types";
import { buildAttachNames, buildDesiredSecrets } from "../../../src/domain/desired";
import { checkSource } from "../../../src/domain/entries";
import type { Manager, SourceSecret } from "../../../src/domain/model";
import { planSecrets } from "../../../src/domain/plan";
import { buildDesiredReferences, mergeImagePullSecrets } from "../../../src/domain/references";
import { validateManager } from "../../../src/domain/validate";
import { managerCases, sourceCases } from ".";
import type { ManagerCase } from "./types";

const asManager = (c: ManagerCase): Manager => ({
  kind: c.kind,
  name: "corpus",
  ...(c.kind === "ImagePullSecretManager" ? { namespace: "team" } : {}),
  uid: "uid-corpus",
  generation: 1,
  creationTimestamp: "2024-01-01T00:00:00Z",
  deleting: false,
  spec: c.spec as ClusterImagePullSecretManagerSpec,
});

describe("bad-input corpus: managers", () => {
  it("has at least 40 distinct cases", () => {
    const all = [...managerCases.map(c => c.what), ...sourceCases.map(c => c.what)];
    expect(new Set(managerCases.map(c => c.what)).size).toBe(managerCases.length);
    expect(all.length).toBeGreaterThanOrEqual(40);
  });

  it.each(managerCases.map(c => [c.what, c] as const))("%s", (_what, c) => {
    const { errors, warnings } = validateManager(c.kind, c.spec);
    for (const m of [...errors, ...warnings]) expect(m.length).toBeLessThanOrEqual(1024);
    if ("refused" in c.outcome) {
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.join(" | ")).toContain(c.outcome.refused);
      return;
    }
    expect(errors).toEqual([]);
    if (c.outcome.warning) expect(warnings.join(" | ")).toContain(c.outcome.warning);
    const m = asManager(c);
    const { problems } = buildDesiredSecrets(m, m.namespace ? [m.namespace] : ["team"], []);
    expect(problems.map(p => p.reason)).toEqual(c.outcome.problem ? [c.outcome.problem] : []);
  });

  // What the CRD lets through reaches the controller even when the webhook is down: never a crash there.
  it.each(
    managerCases
      .filter(c => !(c.cluster && "schema" in c.cluster) && Array.isArray((c.spec as any)?.secrets))
      .map(c => [c.what, c] as const),
  )("the desired-state functions never throw on: %s", (_what, c) => {
    const m = asManager(c);
    const desired = buildDesiredSecrets(m, ["team", "other"], []);
    planSecrets("ipsm.team.corpus", desired.secrets, []);
    const names = buildAttachNames(m, "team", []);
    const ns = { name: "team" };
    const refs = buildDesiredReferences(
      { name: "default", namespace: "team" },
      ns,
      [m],
      "ServiceAccount",
      () => names,
    );
    expect(mergeImagePullSecrets([{ name: "user" }], {}, refs).imagePullSecrets[0]).toEqual({
      name: "user",
    });
  });
});

describe("bad-input corpus: source Secrets", () => {
  const ref = { namespace: "sources", name: "src" };
  const cluster: Manager = {
    ...asManager({
      what: "",
      kind: "ClusterImagePullSecretManager",
      spec: {},
      outcome: { accepted: true },
    }),
    spec: { secrets: [{ existingSecretRef: ref }] },
  };
  it.each(sourceCases.map(c => [c.what, c] as const))("%s", (_what, c) => {
    const sources: SourceSecret[] = c.source ? [{ ...ref, ...c.source }] : [];
    const check = checkSource(ref, sources);
    const { secrets, problems } = buildDesiredSecrets(cluster, ["team"], sources);
    if ("registries" in c.outcome) {
      expect(check).toMatchObject({ ok: true, registries: c.outcome.registries });
      expect(problems).toEqual([]);
      // The copy carries only the registry key of its type.
      expect(secrets).toHaveLength(1);
      expect(Object.keys(secrets[0].data)).toHaveLength(1);
      return;
    }
    expect(check.ok).toBe(false);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      namespace: "sources",
      secret: "src",
      reason: c.outcome.problem,
    });
    expect(problems[0].message).toContain(c.outcome.message);
    expect(secrets).toEqual([]);
  });
});

describe("bad-input corpus: outcome breakdown", () => {
  it("refuses most managers, and reports (never refuses) every bad source", () => {
    const refused = managerCases.filter(c => "refused" in c.outcome).length;
    const reported =
      managerCases.filter(c => "accepted" in c.outcome && c.outcome.problem).length +
      sourceCases.filter(c => "problem" in c.outcome).length;
    expect(refused).toBeGreaterThanOrEqual(40);
    expect(reported).toBeGreaterThanOrEqual(15);
  });
});
