// Pod fault (issue 25 #4 b): one of the two admission Pods deleted while ServiceAccounts are being created in the
// selected namespaces. The other replica answers (ServiceAccounts created while the deleted one is gone and its
// replacement not yet Ready carry the reference from their creation); any created bare (the webhook fails open)
// is backfilled by the watcher. Ends with expectConverged (test/faults/cluster.ts) and every created ServiceAccount
// referencing the manager's Secret exactly once. Counts and times are printed, never asserted.
import { expectConverged } from "../faults/cluster";
import { k, names, uid, waitGone } from "../integration/helpers";
import { describeNode } from "../node/state";
import { ensureDeployed } from "./install";
import {
  adminClient,
  fanOutSetup,
  modulePods,
  restartFigures,
  seconds,
  waitReplaced,
} from "./faults";

const N = 10;

interface Created {
  ns: string;
  at: number;
  /** The reference was there in the create call's answer (added by admission). */
  admitted: boolean;
}

describeNode("Pod faults: an admission Pod deleted while ServiceAccounts are created", () => {
  jest.setTimeout(1_200_000);
  let cleanup = async () => {};
  afterAll(() => cleanup());

  test("the other replica answers, what was created bare is backfilled, nothing is lost", async () => {
    await ensureDeployed();
    const admin = adminClient();
    const f = await fanOutSetup(admin, "pf-admission", N);
    cleanup = f.cleanup;
    await f.apply();
    await expectConverged(admin, f.expected);

    const label = `pf-created-${uid()}`;
    const created: Created[] = [];
    let stop = false;
    const creator = async (lane: number) => {
      for (let i = lane; !stop; i += 2) {
        const ns = f.namespaces[i % N];
        const sa = await admin.create<{ imagePullSecrets?: { name?: string }[] }>(
          `/api/v1/namespaces/${ns}/serviceaccounts`,
          { metadata: { name: `sa-${i}`, labels: { [label]: "1" } } },
        );
        created.push({ ns, at: Date.now(), admitted: names(sa.imagePullSecrets).includes(f.name) });
      }
    };
    const creators = [creator(0), creator(1)];
    const [victim] = await modulePods("admission");
    await new Promise(r => setTimeout(r, 2000));
    const tDelete = Date.now();
    await k(["delete", "pod", victim.name, "-n", "pepr-system", "--wait=false"]);
    await waitGone(["pod", victim.name, "-n", "pepr-system"], 120_000);
    const tGone = Date.now();
    await waitReplaced("admission", [victim.uid], 2);
    const tReplaced = Date.now();
    await new Promise(r => setTimeout(r, 2000));
    stop = true;
    await Promise.all(creators);

    const between = (a: number, b: number) => created.filter(c => c.at >= a && c.at < b);
    const window = between(tGone, tReplaced);
    const bare = created.filter(c => !c.admitted);
    await expectConverged(admin, { ...f.expected, serviceAccounts: N + created.length }, 300_000);
    const list = await admin.get<{ items: { imagePullSecrets?: { name?: string }[] }[] }>(
      "/api/v1/serviceaccounts",
      { labelSelector: label },
    );
    const wrong = list.items.filter(
      sa => names(sa.imagePullSecrets).filter(n => n === f.name).length !== 1,
    );
    console.log(
      `[pods] admission Pod deleted: ${created.length} ServiceAccounts created, ${bare.length} of them bare at creation (${between(tDelete, tGone).length} created while it stopped, ${window.length} while it was gone and the replacement not Ready, ${window.filter(c => c.admitted).length} of those admitted with the reference); replacement Ready ${((tReplaced - tDelete) / 1000).toFixed(1)} s after the delete; converged ${seconds(tDelete)} s after it; ${await restartFigures()}`,
    );
    expect({ listed: list.items.length, wrong: wrong.length }).toEqual({
      listed: created.length,
      wrong: 0,
    });
    expect(window.filter(c => c.admitted).length).toBeGreaterThan(0);
  });
});
