// Carries out a SecretPlan (or, in dry-run, only describes it), writing each result through to the cache.
// Failures become WriteFailed problems. A failed write is not a reason to detach: only a name whose Secret does
// not exist after the failure (a failed create, a replace that deleted but could not create, a 404) stops being
// attachable, and is reported as missing. A namespace that is gone is skipped silently; a delete refused by its
// preconditions (409) means the Secret is not ours any more.
import type { Problem } from "../api/types";
import type { ExistingSecret, SecretPlan } from "../domain/model";
import { createSecret, deleteSecret, isAdopted, retireSecret, updateSecret } from "../k8s/secrets";
import { describeError, isConflict, isNamespaceGone, isNotFound } from "../k8s/errors";
import { isCreatedSecretAsPlanned } from "../domain/write-through";
import { runBounded } from "./bounded";
import type { Informer } from "../k8s/informer";

export interface SecretWriteResult {
  created: number;
  updated: number;
  deleted: number;
  failures: Problem[];
  planLines: string[];
  /** namespace -> names attachable after the writes. */
  attachable: Record<string, string[]>;
  /** namespace -> names whose Secret does not exist because a write failed (admission must not add them). */
  missing: Record<string, string[]>;
}

export interface SecretStore {
  upsert(raw: unknown, asPlanned?: (stored: ExistingSecret) => boolean): void;
  remove(namespace: string, name: string): void;
  write: Informer<ExistingSecret>["write"];
}

type Job = {
  verb: string;
  ns: string;
  name: string;
  phase: "write" | "delete";
  run: () => Promise<void>;
  count: () => void;
  /** After a failure: the Secret does not exist (so it must not be referenced). */
  gone: (e: unknown) => boolean;
};

export function emptyWriteResult(): SecretWriteResult {
  return {
    created: 0,
    updated: 0,
    deleted: 0,
    failures: [],
    planLines: [],
    attachable: {},
    missing: {},
  };
}

/** Creates and updates first (phase "write"), deletes last (after references are detached). */
export function buildSecretJobs(
  plan: SecretPlan,
  store: SecretStore,
  result: SecretWriteResult,
): Job[] {
  for (const [ns, names] of Object.entries(plan.attachable)) result.attachable[ns] = [...names];
  const jobs: Job[] = [];
  const add = (j: Job) => jobs.push(j);
  for (const d of plan.create)
    add({
      verb: "create",
      ns: d.namespace,
      name: d.name,
      phase: "write",
      run: async () =>
        store.upsert(await createSecret(d), stored => isCreatedSecretAsPlanned(stored, d)),
      count: () => result.created++,
      gone: () => true,
    });
  for (const u of plan.update) {
    const { desired: d, existing: e } = u;
    let deleted = false;
    const run = u.replace
      ? async () => {
          await store.write(e, deleteSecret(e));
          deleted = true;
          store.upsert(await createSecret(d));
        }
      : async () => store.write(e, updateSecret(d, e, u.adopt));
    const verb = u.replace ? "replace" : u.adopt ? "adopt" : "update";
    add({
      verb,
      ns: d.namespace,
      name: d.name,
      phase: "write",
      run,
      count: () => result.updated++,
      gone: err => deleted || isNotFound(err),
    });
  }
  for (const s of plan.delete) add(retireJob(s, store, result));
  return jobs;
}

function retireJob(s: ExistingSecret, store: SecretStore, result: SecretWriteResult): Job {
  return {
    verb: isAdopted(s) ? "release" : "delete",
    ns: s.namespace,
    name: s.name,
    phase: "delete",
    run: async () => {
      try {
        await store.write(s, retireSecret(s));
      } catch (e) {
        if (!isConflict(e)) throw e; // 409: changed or re-created since it was read: not ours to delete
      }
    },
    count: () => result.deleted++,
    gone: () => false, // not attachable anyway: it is no longer wanted
  };
}

/** Runs jobs (or lists them in dry-run); failures are recorded, and unattach their name when it is gone. */
export async function runSecretJobs(
  jobs: Job[],
  result: SecretWriteResult,
  dryRun: boolean,
  concurrency = 4,
): Promise<void> {
  const unattach = (ns: string, name: string) =>
    (result.attachable[ns] = (result.attachable[ns] ?? []).filter(n => n !== name));
  await runBounded(
    jobs.map(j => async () => {
      result.planLines.push(`${j.verb} Secret ${j.ns}/${j.name}`);
      if (dryRun) return j.count();
      try {
        await j.run();
        j.count();
      } catch (e) {
        if (j.gone(e)) {
          unattach(j.ns, j.name);
          (result.missing[j.ns] ??= []).push(j.name);
        }
        if (isNamespaceGone(e)) return;
        result.failures.push({
          namespace: j.ns,
          secret: j.name,
          reason: "WriteFailed",
          message: `Could not ${j.verb} Secret ${j.name}: ${describeError(e)}. It is retried with backoff.`,
        });
      }
    }),
    concurrency,
  );
}
