// ServiceAccount admission through the real handler (mutateServiceAccount) and a view loaded in memory.
import type { SecretEntry } from "../api/types";
import { clusterManager, meta, namespacedManager, ref } from "../../test/unit/helpers/fixtures";
import {
  admitServiceAccount,
  entry,
  names,
  optOuts,
  ours,
  serviceAccount,
  world,
} from "../../test/unit/helpers/requests";

const teamA = (secrets: SecretEntry[] = [entry("regcred")], extra = {}) =>
  namespacedManager("pull", "team-a", { secrets, ...extra });
const older = { creationTimestamp: "2023-01-01T00:00:00Z" };
const A = "ipsm.team-a.pull";

describe("ServiceAccount admission: one manager", () => {
  beforeEach(() => world([teamA()]));

  it.each([
    ["no list", undefined, undefined, ["regcred"]],
    ["user list kept in order", undefined, ["zeta", "alpha"], ["zeta", "alpha", "regcred"]],
    ["repeated user names", undefined, ["alpha", "alpha"], ["alpha", "regcred"]],
    ["user annotations kept", { team: "a" }, undefined, ["regcred"]],
  ])("%s: ours appended with our annotations", async (_, ann, list, want) => {
    const out = await admitServiceAccount(serviceAccount(ann, list));
    expect(names(out.imagePullSecrets)).toEqual(want);
    expect(out.metadata?.annotations).toEqual({ ...ann, ...ours("regcred", A) });
  });

  it("a name the user already lists stays theirs: nothing changes", async () => {
    const sa = serviceAccount(undefined, ["regcred", "alpha"]);
    expect(await admitServiceAccount(sa)).toEqual(sa);
  });

  it("takes the namespace from the request when the object has none", async () => {
    const sa = serviceAccount();
    delete sa.metadata?.namespace;
    expect(names((await admitServiceAccount(sa)).imagePullSecrets)).toEqual(["regcred"]);
  });

  it.each(optOuts("ServiceAccount"))(
    "%s: admitted unchanged",
    async (_, saAnnotations, nsAnnotations) => {
      world([teamA()], [meta("team-a", undefined, nsAnnotations)]);
      for (const list of [undefined, ["alpha"]]) {
        const sa = serviceAccount(saAnnotations, list);
        expect(await admitServiceAccount(sa)).toEqual(sa);
      }
      // Opted out after we attached: still exactly as sent; the controller detaches what we added.
      const attached = serviceAccount({ ...ours("regcred"), ...saAnnotations }, [
        "alpha",
        "regcred",
      ]);
      expect(await admitServiceAccount(attached)).toEqual(attached);
    },
  );

  it.each([
    ["a dry-run manager", teamA(undefined, { dryRun: true })],
    ["a Pod-mode manager", teamA(undefined, { mode: "Pod" })],
    [
      "a manager of another namespace",
      namespacedManager("pull", "team-b", { secrets: [entry("x")] }),
    ],
    ["a manager being deleted", { ...teamA(), deleting: true }],
    [
      "a manager selecting other ServiceAccounts",
      teamA(undefined, { serviceAccounts: { names: ["deployer"] } }),
    ],
  ])("%s: nothing attached", async (_, m) => {
    world([m]);
    const sa = serviceAccount(undefined, ["alpha"]);
    expect(await admitServiceAccount(sa)).toEqual(sa);
  });
});

describe("ServiceAccount admission: several managers", () => {
  const cluster = clusterManager("shared", { secrets: [entry("c-cred"), entry("regcred")] }, older);
  const local = teamA([entry("regcred"), entry("n-cred")]);

  it.each([
    ["cluster, namespaced", [cluster, local]],
    ["namespaced, cluster", [local, cluster]],
  ])("union, oldest manager first, each name once (view order %s)", async (_, managers) => {
    world(managers);
    const out = await admitServiceAccount(serviceAccount(undefined, ["alpha"]));
    expect(names(out.imagePullSecrets)).toEqual(["alpha", "c-cred", "regcred", "n-cred"]);
    expect(out.metadata?.annotations).toEqual(
      ours("c-cred,regcred,n-cred", {
        "c-cred": "cipsm.shared",
        regcred: "cipsm.shared",
        "n-cred": A,
      }),
    );
  });

  it.each([[["b", "a"]], [["a", "b"]]])(
    "equal ages: by manager key (view order %j)",
    async order => {
      world(order.map(n => clusterManager(n, { secrets: [entry(`${n}-cred`)] })));
      const out = await admitServiceAccount(serviceAccount());
      expect(names(out.imagePullSecrets)).toEqual(["a-cred", "b-cred"]);
    },
  );

  it("a dry-run manager next to a live one adds nothing of its own", async () => {
    world([clusterManager("dry", { secrets: [entry("dry-cred")], dryRun: true }), local]);
    const out = await admitServiceAccount(serviceAccount());
    expect(names(out.imagePullSecrets)).toEqual(["regcred", "n-cred"]);
  });
});

describe("ServiceAccount admission: re-admission and UPDATE", () => {
  beforeEach(() => world([teamA([entry("regcred"), entry("second")])]));

  it.each([
    ["no list", undefined, undefined],
    ["a user list", undefined, ["zeta", "alpha"]],
    ["user annotations", { team: "a" }, ["alpha"]],
  ])("admitting the admitted object again (%s) changes nothing", async (_, ann, list) => {
    const first = await admitServiceAccount(serviceAccount(ann, list));
    expect(names(first.imagePullSecrets)).toEqual([...(list ?? []), "regcred", "second"]);
    const again = await admitServiceAccount(structuredClone(first), "UPDATE", first);
    expect(again).toEqual(first);
  });

  it.each([
    ["one of ours removed", ["alpha", "second"], ["alpha", "second", "regcred"]],
    ["all of ours removed", ["alpha"], ["alpha", "regcred", "second"]],
    ["the whole list removed", undefined, ["regcred", "second"]],
  ])("UPDATE with %s: they come back", async (_, list, want) => {
    const old = serviceAccount(ours("regcred,second"), ["alpha", "regcred", "second"]);
    const out = await admitServiceAccount(
      serviceAccount(ours("regcred,second"), list),
      "UPDATE",
      old,
    );
    expect(names(out.imagePullSecrets)).toEqual(want);
    expect(out.metadata?.annotations).toEqual(ours(want.filter(n => n !== "alpha").join(","), A));
  });

  // Issue 11 #1: an UPDATE that removes names from Cheiron's record is a detach (the controller's, or a user's who
  // removed entry and record): before, admission added them back whenever its view still wanted them.
  it("UPDATE that drops our record (a detach) is not undone: nothing comes back", async () => {
    const old = serviceAccount(ours("regcred,second"), ["regcred", "second"]);
    const out = await admitServiceAccount(serviceAccount({}, []), "UPDATE", old);
    expect(names(out.imagePullSecrets)).toEqual([]);
    expect(out.metadata?.annotations ?? {}).toEqual({});
  });

  it("the controller detaching one name while the view still wants it: that name stays detached", async () => {
    const old = serviceAccount(ours("regcred,second", A), ["alpha", "regcred", "second"]);
    const out = await admitServiceAccount(
      serviceAccount(ours("second", A), ["alpha", "second"]),
      "UPDATE",
      old,
    );
    expect(names(out.imagePullSecrets)).toEqual(["alpha", "second"]);
    expect(out.metadata?.annotations).toEqual(ours("second", A));
  });
});

describe("ServiceAccount admission: names the manager's status blocks", () => {
  // The status of a manager whose sources exist lists them in status.registries (they are confirmed).
  const confirmed = (...secrets: string[]) => secrets.map(secret => ({ secret, registries: [] }));
  const problem = (namespace: string, secret: string, reason: string) => ({
    status: {
      problems: [{ namespace, secret, reason, message: "m" }],
      registries: confirmed("shared", "pull"),
    },
  });
  const inlineTwo = [entry("regcred"), entry("other")];

  it.each([
    ["SecretConflict here", inlineTwo, problem("team-a", "regcred", "SecretConflict"), ["other"]],
    ["ManagerConflict here", inlineTwo, problem("team-a", "regcred", "ManagerConflict"), ["other"]],
    [
      "SecretConflict elsewhere",
      inlineTwo,
      problem("team-b", "regcred", "SecretConflict"),
      ["regcred", "other"],
    ],
    [
      "SourceSecretMissing",
      [ref("shared"), entry("other")],
      problem("team-a", "shared", "SourceSecretMissing"),
      ["other"],
    ],
    [
      "SourceSecretInvalid",
      [ref("shared"), entry("other")],
      problem("team-a", "shared", "SourceSecretInvalid"),
      ["other"],
    ],
    [
      "no problem",
      [ref("shared"), entry("other")],
      { status: { registries: confirmed("shared") } },
      ["shared", "other"],
    ],
    ["source not confirmed by a status yet", [ref("shared"), entry("other")], {}, ["other"]],
  ])("namespaced manager, %s", async (_, secrets, extra, want) => {
    world([namespacedManager("pull", "team-a", { secrets }, extra as object)]);
    const out = await admitServiceAccount(serviceAccount());
    expect(names(out.imagePullSecrets)).toEqual(want);
    expect(out.metadata?.annotations).toEqual(ours(want.join(","), A));
  });

  it.each([
    [
      "SourceSecretMissing for the source",
      problem("infra", "pull", "SourceSecretMissing"),
      ["other"],
    ],
    ["SecretConflict for the copy here", problem("team-a", "pull", "SecretConflict"), ["other"]],
    [
      "SecretConflict for the copy elsewhere",
      problem("team-b", "pull", "SecretConflict"),
      ["pull", "other"],
    ],
  ])("cluster manager copying infra/pull, %s", async (_, extra, want) => {
    const secrets = [ref("pull", "infra"), entry("other")];
    world([clusterManager("copy", { secrets }, extra as object)], ["team-a", "team-b", "infra"]);
    const out = await admitServiceAccount(serviceAccount());
    expect(names(out.imagePullSecrets)).toEqual(want);
  });
});
