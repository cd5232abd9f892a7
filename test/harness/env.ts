// The environment the module runs with in the integration suite and under `npm start`.
export const MODULE_ENV: NodeJS.ProcessEnv = {
  // Pepr's own default under `pepr dev`: the module must keep credentials out of the log even so.
  LOG_LEVEL: "debug",
  // The resync is off for the suite (an hour): every repair a test waits for must come from a watch.
  // test/integration/resync.test.ts runs its own watcher with a short resync.
  CHEIRON_RESYNC_SECONDS: "3600",
  CHEIRON_RETRY_BASE_MS: "500",
  CHEIRON_RETRY_MAX_MS: "5000",
  // Small pages, so the Pod count of mode Pod is shown to page through the real apiserver with ~100 Pods.
  CHEIRON_POD_PAGE_SIZE: "40",
  // spec.verify never contacts loopback addresses unless the operator lists them (docs/operations.md): the
  // suite's test registries listen on 127.0.0.1.
  CHEIRON_VERIFY_ALLOW_CIDRS: "127.0.0.1/32",
};
