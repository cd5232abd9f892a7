// Carries out a SecretPlan (or, in dry-run, only describes it). Failures become WriteFailed problems and the
// affected names are no longer attachable; a namespace that is gone is skipped silently.
import type { Problem } from "../api/types";
import type { SecretPlan } from "../domain/model";
import { createSecret, deleteSecret, isAdopted, retireSecret, updateSecret } from "../k8s/secrets";
import { describeError, isNamespaceGone } from "../k8s/errors";
import { runBounded } from "./bounded";

export interface SecretWriteResult {
  created: number;
  updated: number;
  deleted: number;
  failures: Problem[];
  planLines: string[];
  /** namespace -> names attachable after the writes. */
  attachable: Record<string, string[]>;
}

export async function applySecretPlan(
  plan: SecretPlan,
  dryRun: boolean,
): Promise<SecretWriteResult> {
  const result: SecretWriteResult = {
    created: 0,
    updated: 0,
    deleted: 0,
    failures: [],
    planLines: [],
    attachable: {},
  };
  for (const [ns, names] of Object.entries(plan.attachable)) result.attachable[ns] = [...names];
  const unattach = (ns: string, name: string) =>
    (result.attachable[ns] = (result.attachable[ns] ?? []).filter(n => n !== name));

  const jobs: (() => Promise<void>)[] = [];
  const guard = (
    ns: string,
    name: string,
    verb: string,
    write: () => Promise<void>,
    count: () => void,
  ) => {
    result.planLines.push(`${verb} Secret ${ns}/${name}`);
    if (dryRun) return count();
    jobs.push(async () => {
      try {
        await write();
        count();
      } catch (e) {
        unattach(ns, name);
        if (isNamespaceGone(e)) return;
        result.failures.push({
          namespace: ns,
          secret: name,
          reason: "WriteFailed",
          message: `Could not ${verb} Secret ${name}: ${describeError(e)}. It is retried with backoff.`,
        });
      }
    });
  };
  for (const d of plan.create)
    guard(
      d.namespace,
      d.name,
      "create",
      () => createSecret(d),
      () => result.created++,
    );
  for (const u of plan.update) {
    const verb = u.adopt ? "adopt" : "update";
    const write = u.replace
      ? async () => {
          await deleteSecret(u.existing);
          await createSecret(u.desired);
        }
      : () => updateSecret(u.desired, u.existing, u.adopt);
    guard(
      u.desired.namespace,
      u.desired.name,
      u.replace ? "replace" : verb,
      write,
      () => result.updated++,
    );
  }
  for (const s of plan.delete) {
    const verb = isAdopted(s) ? "release" : "delete";
    guard(
      s.namespace,
      s.name,
      verb,
      () => retireSecret(s),
      () => result.deleted++,
    );
  }
  await runBounded(jobs, 8);
  return result;
}
