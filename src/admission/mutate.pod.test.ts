// Pod admission (CREATE) through the real handler (mutatePod) and a view loaded in memory.
import { meta, namespacedManager, ref } from "../../test/unit/helpers/fixtures";
import {
  admitPod,
  admitServiceAccount,
  entry,
  names,
  optOuts,
  ours,
  pod,
  serviceAccount,
  world,
} from "../../test/unit/helpers/requests";

const secrets = [
  entry("hub", "https://index.docker.io/v1/"),
  entry("ghcr", "ghcr.io"),
  entry("quay", "quay.io"),
];
const podManager = (extra = {}) =>
  namespacedManager("pods", "team-a", { mode: "Pod", secrets, ...extra });
const registryAware = podManager({ matchImageRegistries: true });
const P = "ipsm.team-a.pods";

describe("Pod admission: registry-aware matching", () => {
  beforeEach(() => world([registryAware]));

  it.each([
    ["containers", { containers: ["nginx"] }, ["hub"]],
    ["containers", { containers: ["library/nginx:1.27"] }, ["hub"]],
    ["containers", { containers: ["bitnami/redis@sha256:" + "a".repeat(64)] }, ["hub"]],
    ["containers", { containers: ["docker.io/library/nginx"] }, ["hub"]],
    ["containers", { containers: ["index.docker.io/library/nginx"] }, ["hub"]],
    ["containers", { containers: ["ghcr.io/org/app:1"] }, ["ghcr"]],
    ["containers", { containers: ["GHCR.IO/org/app"] }, ["ghcr"]],
    ["containers", { containers: ["quay.io/org/a", "nginx"] }, ["hub", "quay"]],
    ["initContainers", { containers: [], initContainers: ["nginx"] }, ["hub"]],
    [
      "initContainers",
      { containers: ["ghcr.io/o/a"], initContainers: ["quay.io/o/i"] },
      ["ghcr", "quay"],
    ],
    ["ephemeralContainers", { containers: [], ephemeralContainers: ["busybox"] }, ["hub"]],
    [
      "ephemeralContainers",
      { containers: ["ghcr.io/o/a"], ephemeralContainers: ["quay.io/o/d"] },
      ["ghcr", "quay"],
    ],
    [
      "all three kinds",
      {
        containers: ["ghcr.io/o/a"],
        initContainers: ["quay.io/o/i"],
        ephemeralContainers: ["alpine"],
      },
      ["hub", "ghcr", "quay"],
    ],
  ])("%s %j: attaches %j", async (_, images, want) => {
    const out = await admitPod(pod(images));
    expect(names(out.spec?.imagePullSecrets)).toEqual(want);
    expect(out.metadata?.annotations).toEqual(ours(want.join(","), P));
  });

  it.each([
    ["an unmanaged registry", { containers: ["gcr.io/distroless/static"] }],
    ["localhost", { containers: ["localhost:5000/app"] }],
    ["no image at all", { containers: [] }],
  ])("%s: admitted unchanged", async (_, images) => {
    const p = pod(images);
    expect(await admitPod(p)).toEqual(p);
  });

  it("without matchImageRegistries every Secret is attached, whatever the images", async () => {
    world([podManager()]);
    const out = await admitPod(pod({ containers: ["gcr.io/x/y"] }));
    expect(names(out.spec?.imagePullSecrets)).toEqual(["hub", "ghcr", "quay"]);
  });

  it.each([
    ["no status yet (not confirmed): left out", undefined, "nginx", undefined],
    ["known, matching", [{ secret: "shared", registries: ["quay.io"] }], "quay.io/a/b", ["shared"]],
    ["known, not matching", [{ secret: "shared", registries: ["quay.io"] }], "nginx", undefined],
  ])("an existing Secret with %s", async (_, registries, image, want) => {
    const status = registries ? { status: { registries } } : {};
    world([
      namespacedManager(
        "p",
        "team-a",
        { mode: "Pod", matchImageRegistries: true, secrets: [ref("shared")] },
        status,
      ),
    ]);
    const out = await admitPod(pod({ containers: [image] }));
    expect(names(out.spec?.imagePullSecrets)).toEqual(want);
  });
});

describe("Pod admission: the Pod's own list, opt-outs, modes", () => {
  beforeEach(() => world([podManager()]));

  it("keeps the Pod's own entries in order and appends ours", async () => {
    const out = await admitPod(pod(undefined, { app: "web" }, ["mine", "ghcr"]));
    expect(names(out.spec?.imagePullSecrets)).toEqual(["mine", "ghcr", "hub", "quay"]);
    expect(out.metadata?.annotations).toEqual({ app: "web", ...ours("hub,quay", P) });
  });

  it("takes the namespace from the request when the object has none", async () => {
    const p = pod();
    delete p.metadata?.namespace;
    expect(names((await admitPod(p)).spec?.imagePullSecrets)).toEqual(["hub", "ghcr", "quay"]);
  });

  it.each(optOuts("Pod"))("%s: admitted unchanged", async (_, podAnnotations, nsAnnotations) => {
    world([podManager()], [meta("team-a", undefined, nsAnnotations)]);
    const p = pod(undefined, podAnnotations, ["mine"]);
    expect(await admitPod(p)).toEqual(p);
  });

  it.each([
    ["a dry-run Pod manager", podManager({ dryRun: true })],
    ["a ServiceAccount-mode manager", podManager({ mode: "ServiceAccount" })],
  ])("%s does not touch Pods", async (_, m) => {
    world([m]);
    const p = pod(undefined, undefined, ["mine"]);
    expect(await admitPod(p)).toEqual(p);
  });

  it("a Pod-mode manager does not touch ServiceAccounts while it mutates Pods", async () => {
    const sa = serviceAccount();
    expect(await admitServiceAccount(sa)).toEqual(sa);
    expect(names((await admitPod(pod())).spec?.imagePullSecrets)).toEqual(["hub", "ghcr", "quay"]);
  });

  it.each([
    ["no list", undefined],
    ["its own list", ["mine"]],
  ])("admitting the admitted Pod again (%s) changes nothing", async (_, list) => {
    const first = await admitPod(pod(undefined, undefined, list));
    expect(first.metadata?.annotations).toEqual(ours("hub,ghcr,quay", P));
    expect(await admitPod(structuredClone(first))).toEqual(first);
  });

  it.each([
    ["SecretConflict", "team-a", ["hub", "quay"]],
    ["ManagerConflict", "team-a", ["hub", "quay"]],
    ["SecretConflict", "team-b", ["hub", "ghcr", "quay"]],
  ])("status %s for ghcr in %s", async (reason, namespace, want) => {
    const problems = [{ namespace, secret: "ghcr", reason, message: "m" }];
    world([
      namespacedManager("pods", "team-a", { mode: "Pod", secrets }, {
        status: { problems },
      } as object),
    ]);
    expect(names((await admitPod(pod())).spec?.imagePullSecrets)).toEqual(want);
  });
});
