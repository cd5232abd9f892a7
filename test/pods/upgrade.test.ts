// Upgrade (issue 25 #5): `npx pepr deploy` of a second build over the first (one more env var, so both Deployments
// roll with a new webhook certificate) while a manager's references exist. The default ServiceAccounts and Cheiron's
// Secrets are watched (every change) and listed continuously during the rollout; none may lose its reference or
// Secret, and the manager keeps working afterwards. The rollout time is printed, never asserted.
import { apply, eventually, k, kJson, manager, uid } from "../integration/helpers";
import { deployment, waitForPod } from "../node/pods";
import { describeNode, nodeState } from "../node/state";
import { listThenWatch } from "./watch";
import {
  cheironSecretsNamed,
  defaultPulls,
  ensureDeployed,
  namespaces,
  peprDeploy,
} from "./install";

const N = 20;
const MANAGED = "app.kubernetes.io/managed-by=cheiron";

describeNode("upgrade: npx pepr deploy of a second build while managers exist", () => {
  jest.setTimeout(900_000);
  const id = uid();
  const label = { "cheiron-test/upgrade": id };
  const cm = `upgrade-${id}`;
  const secret = `upgrade-${id}`;

  afterAll(async () => {
    await k(["delete", "cipsm", cm, "--ignore-not-found", "--timeout=120s"]);
    await k(["delete", "ns", "-l", `cheiron-test/upgrade=${id}`, "--wait=false"]);
  });

  test("no reference or Secret is dropped during the rollout, and a new namespace gets its Secret after it", async () => {
    await ensureDeployed();
    const { a } = nodeState().registries;
    const spread = await namespaces(`upgrade-${id}`, N, label);
    await apply(
      manager("ClusterImagePullSecretManager", cm, {
        namespaceSelector: { matchLabels: label },
        secrets: [{ name: secret, registry: a.host, username: a.user, password: a.password }],
      }),
    );
    const unfilled = async () => {
      const [withSecret, pulls] = await Promise.all([cheironSecretsNamed(secret), defaultPulls()]);
      return spread.filter(ns => !withSecret.includes(ns) || !pulls[ns]?.includes(secret));
    };
    await eventually(async () => expect(await unfilled()).toEqual([]), 120_000, 500);

    // Watched (every change) and listed (continuously) from before the command until both Deployments rolled out.
    const inScope = (o: any) => spread.includes(o.metadata.namespace);
    const saWatch = await listThenWatch(
      "/api/v1/serviceaccounts?fieldSelector=metadata.name%3Ddefault",
    );
    const secretWatch = await listThenWatch(
      `/api/v1/secrets?labelSelector=${encodeURIComponent(MANAGED)}`,
    );
    const dropped = new Set<string>();
    let polls = 0;
    let stop = false;
    const poller = (async () => {
      while (!stop) {
        for (const ns of await unfilled()) dropped.add(`${ns} (listed)`);
        polls++;
      }
    })();
    const pods0 = await kJson(["get", "pods", "-n", "pepr-system"]);
    const build = `2-${id}`;
    const upgrade = await peprDeploy({
      label: "upgrade",
      env: { CHEIRON_TEST_BUILD: build },
    }).finally(() => (stop = true));
    await poller;
    const saEvents = (await saWatch.stop()).filter(e => inScope(e.object));
    const secretEvents = (await secretWatch.stop()).filter(
      e => inScope(e.object) && e.object.metadata.name === secret,
    );
    for (const e of saEvents) {
      const refs = (e.object.imagePullSecrets ?? []).map((r: { name: string }) => r.name);
      if (e.type === "DELETED" || !refs.includes(secret))
        dropped.add(`${e.object.metadata.namespace} (ServiceAccount ${e.type})`);
    }
    for (const e of secretEvents.filter(e => e.type === "DELETED"))
      dropped.add(`${e.object.metadata.namespace} (Secret DELETED)`);
    console.log(
      `[pods] upgrade rollout: ${polls} listings of ${N} namespaces, ${saEvents.length} ServiceAccount and ${secretEvents.length} Secret events watched; references or Secrets dropped: ${dropped.size} ${[...dropped].slice(0, 5)}`,
    );
    expect({ code: upgrade.code, ready: upgrade.ready, dropped: [...dropped] }).toEqual({
      code: 0,
      ready: { "pepr-cheiron": "2/2", "pepr-cheiron-watcher": "1/1" },
      dropped: [],
    });
    expect(polls).toBeGreaterThan(1);

    // What a user sees: new Pods of the second build (none of the first left), each with the new env var.
    const pods = (await kJson(["get", "pods", "-n", "pepr-system"])).items as any[];
    const old = new Set((pods0.items as any[]).map(p => p.metadata.uid));
    const live = pods.filter(p => !p.metadata.deletionTimestamp);
    expect(
      live.map(p => ({
        old: old.has(p.metadata.uid),
        build: p.spec.containers[0].env?.find((e: any) => e.name === "CHEIRON_TEST_BUILD")?.value,
      })),
    ).toEqual(live.map(() => ({ old: false, build })));

    // The manager keeps working: a namespace made after the rollout gets its Secret, and its Pod pulls.
    const [late] = await namespaces(`upgrade-${id}-late`, 1, label);
    await eventually(
      async () => {
        expect(await cheironSecretsNamed(secret)).toContain(late);
        expect((await defaultPulls())[late]).toEqual([secret]);
      },
      120_000,
      500,
    );
    await deployment(late, "app", a.image);
    await waitForPod(late, "app", "Running");
  });
});
