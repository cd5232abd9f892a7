// Cheiron's Prometheus metrics, served on the module's /metrics by Pepr's collector (names get the `pepr_` prefix).
import { metricsCollector } from "pepr";

const names = {
  secretsWritten: "cheiron_secrets_written_total",
  attached: "cheiron_references_attached_total",
  detached: "cheiron_references_detached_total",
  podsMutated: "cheiron_pods_mutated_total",
  serviceAccountsMutated: "cheiron_serviceaccounts_mutated_total",
  conflicts: "cheiron_conflicts_total",
  reconcileErrors: "cheiron_reconcile_errors_total",
  reconciles: "cheiron_reconciles_total",
  reconcileDuration: "cheiron_reconcile_duration_ms",
  credentialValid: "cheiron_credential_checks_valid_total",
  credentialRejected: "cheiron_credential_checks_rejected_total",
  credentialUnreachable: "cheiron_credential_checks_unreachable_total",
  ownWritesSkipFailures: "cheiron_own_writes_skip_failures_total",
};

metricsCollector.addCounter(names.secretsWritten, "Secrets created, updated or deleted by Cheiron");
metricsCollector.addCounter(
  names.attached,
  "imagePullSecrets references Cheiron added to ServiceAccounts",
);
metricsCollector.addCounter(
  names.detached,
  "imagePullSecrets references Cheiron removed from ServiceAccounts",
);
metricsCollector.addCounter(
  names.podsMutated,
  "Pods that got imagePullSecrets from Cheiron at admission",
);
metricsCollector.addCounter(
  names.serviceAccountsMutated,
  "ServiceAccounts that got imagePullSecrets at admission",
);
metricsCollector.addCounter(
  names.conflicts,
  "Same-name Secrets Cheiron found and left alone, per reconcile",
);
metricsCollector.addCounter(names.reconcileErrors, "Reconciles that failed or had a failed write");
metricsCollector.addCounter(names.reconciles, "Reconciles run");
metricsCollector.addSummary(names.reconcileDuration, "Reconcile duration in milliseconds");
metricsCollector.addCounter(names.credentialValid, "Credential checks a registry accepted");
metricsCollector.addCounter(names.credentialRejected, "Credential checks a registry rejected");
metricsCollector.addCounter(
  names.credentialUnreachable,
  "Credential checks that could not reach or complete with the registry",
);

metricsCollector.addCounter(
  names.ownWritesSkipFailures,
  "Watcher starts that could not exclude Cheiron's own updates from its mutating webhook",
);

const inc = (name: string, n = 1) => {
  for (let i = 0; i < n; i++) metricsCollector.incCounter(name);
};

export const metrics = {
  countWrites(
    w: { created: number; updated: number; deleted: number },
    a: { attached: number; detached: number },
    conflicts: number,
  ) {
    inc(names.secretsWritten, w.created + w.updated + w.deleted);
    inc(names.attached, a.attached);
    inc(names.detached, a.detached);
    inc(names.conflicts, conflicts);
  },
  reconciled(startedAt: number, ok: boolean) {
    inc(names.reconciles);
    if (!ok) inc(names.reconcileErrors);
    metricsCollector.observeEnd(startedAt, names.reconcileDuration);
  },
  credentialChecked(result: "Valid" | "Rejected" | "Unreachable") {
    inc(
      result === "Valid"
        ? names.credentialValid
        : result === "Rejected"
          ? names.credentialRejected
          : names.credentialUnreachable,
    );
  },
  podMutated: () => inc(names.podsMutated),
  serviceAccountMutated: () => inc(names.serviceAccountsMutated),
  ownWritesSkipFailed: () => inc(names.ownWritesSkipFailures),
};
