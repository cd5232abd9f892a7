// REST paths of the objects Cheiron reads and writes.
import { API_VERSION, KIND_NAMESPACED } from "../constants";
import type { ManagerRef } from "../domain/model";

const core = (ns: string | undefined, plural: string, name?: string) =>
  `/api/v1${ns ? `/namespaces/${encodeURIComponent(ns)}` : ""}/${plural}${name ? `/${encodeURIComponent(name)}` : ""}`;

export const paths = {
  namespaces: () => core(undefined, "namespaces"),
  namespace: (name: string) => core(undefined, "namespaces", name),
  secrets: (ns?: string) => core(ns, "secrets"),
  secret: (ns: string, name: string) => core(ns, "secrets", name),
  serviceAccounts: (ns?: string) => core(ns, "serviceaccounts"),
  serviceAccount: (ns: string, name: string) => core(ns, "serviceaccounts", name),
  pods: (ns?: string) => core(ns, "pods"),
  events: (ns: string) => core(ns, "events"),
  namespacedManagers: () => `/apis/${API_VERSION}/imagepullsecretmanagers`,
  clusterManagers: () => `/apis/${API_VERSION}/clusterimagepullsecretmanagers`,
  manager: (m: ManagerRef, sub?: "status") => {
    const base =
      m.kind === KIND_NAMESPACED
        ? `/apis/${API_VERSION}/namespaces/${encodeURIComponent(m.namespace ?? "")}/imagepullsecretmanagers`
        : `/apis/${API_VERSION}/clusterimagepullsecretmanagers`;
    return `${base}/${encodeURIComponent(m.name)}${sub ? `/${sub}` : ""}`;
  },
};

/** A JSON Pointer segment (RFC 6901): "~" -> "~0", "/" -> "~1". */
export const pointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
