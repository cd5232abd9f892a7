// bench/view.ts: the view bench:admission holds at scale, and the Secrets it waits for.
import { buildView, buildViewSecrets } from "../../bench/view";

const kinds = (objects: any[]) =>
  objects.reduce<Record<string, number>>((n, o) => ({ ...n, [o.kind]: (n[o.kind] ?? 0) + 1 }), {});

describe("bench:admission's view", () => {
  it("10,000 namespaces and 100 managers: 5 cluster managers over 20 namespaces each, 95 namespaced", () => {
    const view = buildView({ namespaces: 10_000, managers: 100 }) as any[];
    expect(kinds(view)).toEqual({
      Namespace: 10_000,
      ClusterImagePullSecretManager: 5,
      ImagePullSecretManager: 95,
    });
    const g3 = view
      .filter(o => o.metadata.labels?.["cheiron-bench/group"] === "g3")
      .map(o => o.metadata.name);
    expect(g3).toEqual(Array.from({ length: 20 }, (_, i) => `view-${60 + i}`));
    // Nothing of the view is in the namespaces whose answers the bench checks.
    expect(
      view.some(o => ["bench-sa", "bench-pod"].includes(o.metadata.namespace ?? o.metadata.name)),
    ).toBe(false);
  });

  it("waits for one Secret per namespaced manager and one per selected namespace", () => {
    const secrets = buildViewSecrets({ namespaces: 10_000, managers: 100 });
    expect(secrets).toHaveLength(95 + 100);
    expect(secrets).toContain("view-94/view-own");
    expect(secrets).toContain("view-99/view-g4");
    expect(secrets).not.toContain("view-100/view-g4");
  });

  it("a small view: a group holds only the namespaces there are", () => {
    const secrets = buildViewSecrets({ namespaces: 30, managers: 5 });
    expect(secrets).toHaveLength(30);
    expect(secrets).toContain("view-29/view-g1");
    expect(secrets.some(s => s.endsWith("/view-g2"))).toBe(false);
  });

  it("fewer managers than cluster managers: only cluster managers", () => {
    expect(kinds(buildView({ namespaces: 50, managers: 2 }))).toEqual({
      Namespace: 50,
      ClusterImagePullSecretManager: 2,
    });
  });
});
