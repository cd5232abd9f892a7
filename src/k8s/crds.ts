// The watcher installs Cheiron's two CRDs at start, so that `npx pepr deploy` alone gives a working Cheiron
// (as Pepr operators such as uds-core did). Each CRD is read by name; it is server-side applied
// (fieldManager=cheiron, force) only when missing, or when its content hash differs from the module's and no
// newer Cheiron shipped it. Then Cheiron waits until it is Established. RBAC: get and patch on these two names
// only (package.json pepr.rbac). CHEIRON_MANAGE_CRDS=false turns it off (CRDs managed elsewhere).
import { Log } from "pepr";
import { CRD_MODULE_VERSION, EMBEDDED_CRDS } from "../api/crds.generated";
import { settings } from "../settings";
import { ApiClient, apiClient } from "./client";
import { CrdAction, CrdObject, decideCrdAction, EmbeddedCrd, stampCrd } from "./crd-stamp";
import { describeError, statusOf } from "./errors";

const CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const APPLY = "application/apply-patch+yaml"; // JSON is YAML: the body is sent as JSON

interface ClusterCrd {
  metadata?: { annotations?: Record<string, string> };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function readCrd(client: ApiClient, name: string): Promise<ClusterCrd | undefined> {
  try {
    return await client.get<ClusterCrd>(`${CRD_PATH}/${name}`);
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}

const condition = (crd: ClusterCrd | undefined, type: string) =>
  crd?.status?.conditions?.find(c => c.type === type);

/** Polls the CRD until Established (its names accepted); throws on refused names or after the deadline. */
export async function waitEstablished(client: ApiClient, name: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const crd = await readCrd(client, name);
    if (condition(crd, "Established")?.status === "True") return;
    const names = condition(crd, "NamesAccepted");
    if (names?.status === "False")
      throw new Error(`CRD ${name}: names not accepted (${names.reason}: ${names.message})`);
    if (Date.now() > deadline) throw new Error(`CRD ${name} not Established in ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Applies one CRD when it needs it; resolves with what was done. */
export async function ensureCrd(
  client: ApiClient,
  crd: EmbeddedCrd,
  version = CRD_MODULE_VERSION,
): Promise<CrdAction> {
  const existing = await readCrd(client, crd.name);
  const action = decideCrdAction(
    existing?.metadata?.annotations,
    { version, hash: crd.hash },
    !!existing,
  );
  if (action === "create" || action === "update") {
    const body: CrdObject = stampCrd(crd.object, version, crd.hash);
    await client.request("PATCH", `${CRD_PATH}/${crd.name}`, {
      body,
      contentType: APPLY,
      query: { force: true },
    });
  }
  if (action !== "newer-in-cluster") await waitEstablished(client, crd.name);
  return action;
}

/** Both CRDs; resolves with the action per CRD name. */
export async function ensureCrds(
  client: ApiClient = apiClient(),
  crds: EmbeddedCrd[] = EMBEDDED_CRDS,
): Promise<Record<string, CrdAction>> {
  const done: Record<string, CrdAction> = {};
  for (const crd of crds) done[crd.name] = await ensureCrd(client, crd);
  return done;
}

/** Errors worth retrying: no answer, throttled, conflicts, server errors. 401/403/422 are not. */
const retryable = (e: unknown) => {
  const s = statusOf(e);
  return s === undefined || s === 0 || s === 409 || s === 429 || s >= 500;
};

/**
 * What the watcher runs at its start: ensureCrds, retried with backoff (CHEIRON_RETRY_BASE_MS doubling up to
 * CHEIRON_RETRY_MAX_MS) while the error may pass. Never throws: a refusal is logged and the controller starts
 * anyway (its watches then report what is missing).
 */
export async function ensureCrdsAtStart(client?: ApiClient): Promise<boolean> {
  const { retryBaseMs, retryMaxMs } = settings();
  for (let attempt = 1; ; attempt++) {
    try {
      const actions = await ensureCrds(client ?? apiClient());
      Log.info({ crds: actions, version: CRD_MODULE_VERSION }, "Cheiron CRDs ensured");
      return true;
    } catch (e) {
      const error = describeError(e);
      if (!retryable(e)) {
        Log.error(
          { error },
          "Cheiron could not install its CRDs (set CHEIRON_MANAGE_CRDS=false to manage them elsewhere)",
        );
        return false;
      }
      const retryInMs = Math.min(retryMaxMs, retryBaseMs * 2 ** (attempt - 1));
      Log.warn({ error, attempt, retryInMs }, "Cheiron CRD install will be retried");
      await sleep(retryInMs);
    }
  }
}
