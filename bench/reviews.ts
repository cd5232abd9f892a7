// AdmissionReview v1 requests as the apiserver sends them after its own admission plugins ran (the Pod
// already has its token volume), and the decoding of the JSON Patch a module answers with.

export type Kind = "ServiceAccount" | "Pod";
export type PatchOp = { op: string; path: string; value?: unknown };
export interface ReviewResponse {
  uid?: string;
  allowed?: boolean;
  patchType?: string;
  patch?: string;
}

const user = {
  username: "system:serviceaccount:kube-system:replicaset-controller",
  uid: "5d1b8c2e-0000-4000-8000-000000000001",
  groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
};

function serviceAccount(ns: string, i: number) {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name: `shop-api-${i}`,
      namespace: ns,
      labels: { "app.kubernetes.io/name": "shop-api", "app.kubernetes.io/part-of": "shop" },
      annotations: { "meta.helm.sh/release-name": "shop", "meta.helm.sh/release-namespace": ns },
    },
    automountServiceAccountToken: true,
  };
}

function pod(ns: string, i: number) {
  const name = `shop-api-7c9d5b6f48-${i.toString(36).padStart(5, "x")}`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      generateName: "shop-api-7c9d5b6f48-",
      namespace: ns,
      labels: { "app.kubernetes.io/name": "shop-api", "pod-template-hash": "7c9d5b6f48" },
      annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z" },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: "shop-api-7c9d5b6f48",
          uid: "0b7c6a8e-1111-4000-8000-000000000002",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      serviceAccountName: "default",
      containers: [
        {
          name: "api",
          image: "ghcr.io/acme/shop-api:1.4.2",
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          ],
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
          readinessProbe: { httpGet: { path: "/ready", port: "http" }, periodSeconds: 5 },
          volumeMounts: [
            {
              name: "kube-api-access-x7k2p",
              mountPath: "/var/run/secrets/kubernetes.io/serviceaccount",
              readOnly: true,
            },
          ],
        },
        {
          name: "proxy",
          image: "registry.example.com:5000/platform/envoy:1.30",
          args: ["--config-path", "/etc/envoy/envoy.yaml"],
          resources: { requests: { cpu: "50m", memory: "64Mi" } },
        },
      ],
      volumes: [
        {
          name: "kube-api-access-x7k2p",
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
              {
                configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] },
              },
            ],
          },
        },
      ],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      tolerations: [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
      ],
    },
  };
}

/** The serialised AdmissionReview of request i: a CREATE of a ServiceAccount or a Pod in namespace ns. */
export function admissionReview(kind: Kind, ns: string, i: number): Buffer {
  const object = kind === "Pod" ? pod(ns, i) : serviceAccount(ns, i);
  const resource = kind === "Pod" ? "pods" : "serviceaccounts";
  const gvk = { group: "", version: "v1", kind };
  const gvr = { group: "", version: "v1", resource };
  const review = {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: `bench-${kind}-${i}`,
      kind: gvk,
      resource: gvr,
      requestKind: gvk,
      requestResource: gvr,
      name: object.metadata.name,
      namespace: ns,
      operation: "CREATE",
      userInfo: user,
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: "meta.k8s.io/v1", kind: "CreateOptions" },
    },
  };
  return Buffer.from(JSON.stringify(review));
}

export const decodePatch = (r: ReviewResponse): PatchOp[] =>
  r.patch ? (JSON.parse(Buffer.from(r.patch, "base64").toString("utf8")) as PatchOp[]) : [];
