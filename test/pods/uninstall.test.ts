// Uninstall as docs/operations.md says (issue 25 #5), after `npx pepr deploy`: the managers deleted while the module
// runs, then the module's objects and the CRDs. Afterwards no Cheiron object is left but what the user chose to
// keep with `deletionPolicy: Orphan`, and a Pod in that namespace still pulls with the kept Secret.
// jest.sequencer.cjs runs this file last in its project: it removes what the other files use.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../harness/module";
import {
  apply,
  createPullSecret,
  eventually,
  getOrUndefined,
  k,
  kJson,
  manager,
  newNamespace,
  pullsOf,
  uid,
  waitGone,
} from "../integration/helpers";
import { deployment, waitForPod, waitManagerReady } from "../node/pods";
import { describeNode, nodeState } from "../node/state";
import { ensureDeployed, namespaces } from "./install";

/** The commands of the Uninstalling section for a module installed with `npx pepr deploy`, in its order. */
const UNINSTALL = [
  "kubectl delete cipsm --all",
  "kubectl delete ipsm --all -A",
  "kubectl delete mutatingwebhookconfiguration,validatingwebhookconfiguration pepr-cheiron --ignore-not-found",
  "kubectl delete namespace pepr-system",
  "kubectl delete clusterrolebinding,clusterrole pepr-cheiron",
  "kubectl delete crd imagepullsecretmanagers.cheiron.anny.co clusterimagepullsecretmanagers.cheiron.anny.co",
  "kubectl delete crd peprstores.pepr.dev",
];

const section = () => {
  const doc = readFileSync(join(REPO, "docs/operations.md"), "utf8");
  return doc.slice(doc.indexOf("## Uninstalling"), doc.indexOf("**A stuck finalizer.**"));
};

describeNode("uninstall as docs/operations.md says, after npx pepr deploy", () => {
  jest.setTimeout(900_000);

  test("nothing of Cheiron is left but the Orphan manager's Secret and reference, which a Pod still pulls with", async () => {
    expect(UNINSTALL.filter(c => !section().includes(c))).toEqual([]);
    await ensureDeployed();
    const { a, b } = nodeState().registries;
    const id = uid();
    const label = { "cheiron-test/uninstall": id };
    const spread = await namespaces(`uninstall-${id}`, 3, label);
    await createPullSecret(spread[0], "own", "registry.example.com");
    await eventually(() => kJson(["get", "sa", "default", "-n", spread[0]]));
    await k([
      "patch",
      "sa",
      "default",
      "-n",
      spread[0],
      "-p",
      '{"imagePullSecrets":[{"name":"own"}]}',
    ]);
    const fromA = { name: `a-${id}`, registry: a.host, username: a.user, password: a.password };
    await apply(
      manager("ClusterImagePullSecretManager", `uninstall-${id}`, {
        namespaceSelector: { matchLabels: label },
        secrets: [fromA],
      }),
    );
    const kept = await newNamespace("uninstall-orphan");
    const fromB = { name: "kept-b", registry: b.host, username: b.user, password: b.password };
    await apply(
      manager(
        "ImagePullSecretManager",
        "kept",
        { deletionPolicy: "Orphan", secrets: [fromB] },
        kept,
      ),
      kept,
    );
    await waitManagerReady("cipsm", `uninstall-${id}`);
    await waitManagerReady("ipsm", "kept", kept);
    await eventually(async () => {
      expect(await pullsOf(spread[0], "default")).toEqual(["own", fromA.name]);
      expect(await pullsOf(kept, "default")).toEqual(["kept-b"]);
    }, 60_000);

    for (const c of UNINSTALL) {
      const r = await k(c.split(" ").slice(1), { allowFail: true });
      console.log(
        `[pods] uninstall: ${c} → ${r.code}: ${(r.stdout + r.stderr).trim().replace(/\n/g, "; ")}`,
      );
      expect({ c, code: r.code }).toEqual({ c, code: 0 });
    }
    await waitGone(["namespace", "pepr-system"], 300_000);

    // Nothing of Cheiron's: no Secret with its labels, no ServiceAccount with its annotations, no webhook, no RBAC.
    const secrets = await kJson([
      "get",
      "secrets",
      "-A",
      "-l",
      "app.kubernetes.io/managed-by=cheiron",
    ]);
    expect(secrets.items).toEqual([]);
    const sas = (await kJson(["get", "sa", "-A"])).items as any[];
    const annotated = sas.filter(sa =>
      Object.keys(sa.metadata.annotations ?? {}).some(x => x.startsWith("cheiron.anny.co/")),
    );
    expect(annotated.map(sa => `${sa.metadata.namespace}/${sa.metadata.name}`)).toEqual([]);
    for (const what of [
      "mutatingwebhookconfigurations",
      "validatingwebhookconfigurations",
      "clusterroles",
      "clusterrolebindings",
      "crd",
    ]) {
      const names = ((await kJson(["get", what])).items as any[]).map(x => x.metadata.name);
      expect({ what, left: names.filter(n => /cheiron|pepr/.test(n)) }).toEqual({ what, left: [] });
    }
    // The fan-out's Secrets and references are gone; the user's own entry stays.
    expect(await pullsOf(spread[0], "default")).toEqual(["own"]);
    for (const ns of spread)
      expect(await getOrUndefined(["get", "secret", fromA.name, "-n", ns])).toBeUndefined();
    // The Orphan manager's Secret and reference stay, no longer Cheiron's, and a Pod still pulls with them.
    const orphan = await kJson(["get", "secret", "kept-b", "-n", kept]);
    expect(orphan.metadata.labels?.["app.kubernetes.io/managed-by"]).toBeUndefined();
    expect(await pullsOf(kept, "default")).toEqual(["kept-b"]);
    await deployment(kept, "app", b.image);
    await waitForPod(kept, "app", "Running");
    await k(["delete", "ns", "-l", `cheiron-test/uninstall=${id}`, "--wait=false"]);
    await k(["delete", "ns", kept, "--wait=false"]);
  });
});
