// The bad-input corpus (test/unit/corpus) through the real apiserver and module: every hostile manager the
// corpus marks `cluster` is refused by the CRD (schema, CEL, strict fields) or by the module's Validate webhook
// with the corpus's message, or stored and reported in status; so is every hostile source Secret the apiserver
// can store. A healthy manager created before the corpus still reconciles after it (a password rotation reaches
// its Secret), and the module logs no uncaught error.
import { managerCases, sourceCases } from "../unit/corpus";
import type { ManagerCase, SourceCase } from "../unit/corpus";
import {
  apply,
  describeCluster,
  eventually,
  inline,
  k,
  kJson,
  manager,
  moduleLog,
  newNamespace,
  pullsOf,
  status,
} from "./helpers";
import { refuse, WEBHOOK_DENIED, webhookServing } from "./api.refusal";

const inCluster = (kind: "schema" | "webhook" | "reported") =>
  managerCases
    .filter(c => c.cluster !== undefined && kind in c.cluster)
    .map(c => [c.what, c] as const);
const storedSources = sourceCases.filter(c => c.cluster).map(c => [c.what, c] as const);
const reasonsOf = async (name: string, ns: string): Promise<string[]> =>
  ((await status("ipsm", name, ns)).problems ?? []).map((p: { reason: string }) => p.reason);
const clusterMessage = (c: ManagerCase) => Object.values(c.cluster ?? {})[0] as string;

let counter = 0;
const nextName = () => `corpus-${++counter}`;

describeCluster("bad-input corpus through the apiserver and the module", () => {
  let ns = "";
  let logStart = 0;
  const healthy = "healthy";
  const password = async () =>
    (await kJson(["get", "secret", "healthy-pull", "-n", ns])).data[".dockerconfigjson"];

  beforeAll(async () => {
    logStart = moduleLog().length;
    ns = await newNamespace("corpus");
    await apply(
      manager("ImagePullSecretManager", healthy, {
        secrets: [inline("healthy-pull", "ghcr.io", "before")],
      }),
      ns,
    );
    await eventually(
      async () => expect(await pullsOf(ns, "default")).toContain("healthy-pull"),
      60_000,
    );
  });

  it("covers at least 15 refusals and 5 reported cases", () => {
    expect(inCluster("schema").length + inCluster("webhook").length).toBeGreaterThanOrEqual(15);
    expect(inCluster("reported").length + storedSources.length).toBeGreaterThanOrEqual(5);
  });

  it.each(inCluster("schema"))("the CRD refuses %s", async (_what, c) => {
    const stderr = await refuse({ kind: c.kind, spec: c.spec }, ns);
    expect(stderr).toContain(clusterMessage(c));
    expect(stderr).not.toMatch(WEBHOOK_DENIED);
  });

  it.each(inCluster("webhook"))("the module's webhook refuses %s", async (_what, c) => {
    await webhookServing();
    const stderr = await refuse({ kind: c.kind, spec: c.spec }, ns);
    expect(stderr).toMatch(WEBHOOK_DENIED);
    expect(stderr).toContain(clusterMessage(c));
  });

  it.each(inCluster("reported"))("stores and reports %s", async (_what, c) => {
    const name = nextName();
    await apply(manager(c.kind, name, c.spec as object), ns);
    const reason = clusterMessage(c);
    await eventually(async () => expect(await reasonsOf(name, ns)).toContain(reason), 60_000);
  });

  it.each(storedSources)("reports a source Secret with %s", async (_what, c: SourceCase) => {
    const name = nextName();
    const src = `${name}-src`;
    await apply(
      JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: src },
        ...(c.source?.type ? { type: c.source.type } : {}),
        data: c.source?.data ?? {},
      }),
      ns,
    );
    await apply(
      manager("ImagePullSecretManager", name, { secrets: [{ existingSecretRef: { name: src } }] }),
      ns,
    );
    const want = "problem" in c.outcome ? c.outcome.problem : undefined;
    await eventually(async () => {
      const problems = (await status("ipsm", name, ns)).problems ?? [];
      expect(problems).toContainEqual(expect.objectContaining({ secret: src, reason: want }));
    }, 60_000);
    // Nothing refers to a Secret that cannot pull.
    expect(await pullsOf(ns, "default")).not.toContain(src);
  });

  it("still reconciles the healthy manager afterwards, and logged no uncaught error", async () => {
    const before = await password();
    await apply(
      manager("ImagePullSecretManager", healthy, {
        secrets: [inline("healthy-pull", "ghcr.io", "after")],
      }),
      ns,
    );
    await eventually(async () => expect(await password()).not.toBe(before), 60_000);
    const doc = JSON.parse(Buffer.from(await password(), "base64").toString("utf8"));
    expect(doc.auths["ghcr.io"].password).toBe("after");
    expect(await pullsOf(ns, "default")).toContain("healthy-pull");
    const ready = (await status("ipsm", healthy, ns)).conditions?.find(
      (x: { type: string }) => x.type === "Ready",
    );
    expect(ready?.status).toBe("True");
    const log = moduleLog().slice(logStart);
    expect(log).not.toMatch(/uncaught/i);
    expect(log).not.toMatch(/FATAL/);
    // The module answers its webhook still.
    await webhookServing();
    const r = await k(["get", "ipsm", "-n", ns, "-o", "name"]);
    expect(r.stdout).toContain(healthy);
  });
});
