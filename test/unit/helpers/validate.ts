// Values shared by the validateManager unit tests (validate*.test.ts); not used at runtime.
export type Kind = "ImagePullSecretManager" | "ClusterImagePullSecretManager";
export const NS: Kind = "ImagePullSecretManager";
export const CL: Kind = "ClusterImagePullSecretManager";

export const inline = { name: "ghcr", registry: "ghcr.io", username: "u", password: "p" };
export const ref = { existingSecretRef: { name: "regcred" } };
export const clusterRef = { existingSecretRef: { name: "regcred", namespace: "sources" } };
