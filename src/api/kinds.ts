// The two Cheiron kinds, registered with pepr's fluent client. The CRD YAML in crds/ is the source of truth for
// the API; src/api/types.ts mirrors it by hand and test/unit/crd-types.test.ts checks that the two agree.
// `pepr crd create/generate` (alpha in pepr 1.1.4) was not used because the CRDs it generates have `type: number`
// instead of `integer`, no printer columns, no CEL rules, no defaults, no enums (a string-literal union becomes a
// plain string) and a fixed, property-less status condition schema. It also drops every other status field.
import { a, RegisterKind } from "pepr";
import type {
  ClusterImagePullSecretManagerSpec,
  ImagePullSecretManagerSpec,
  ManagerStatus,
} from "./types";
import { GROUP, KIND_CLUSTER, KIND_NAMESPACED, VERSION } from "../constants";

/** Keeps registry credentials as Secrets in its own namespace and attaches them there. */
export class ImagePullSecretManager extends a.GenericKind {
  declare spec?: ImagePullSecretManagerSpec;
  declare status?: ManagerStatus;
}

RegisterKind(ImagePullSecretManager, {
  group: GROUP,
  version: VERSION,
  kind: KIND_NAMESPACED,
  plural: "imagepullsecretmanagers",
});

/** Keeps registry credentials as Secrets in every selected namespace and attaches them there. */
export class ClusterImagePullSecretManager extends a.GenericKind {
  declare spec?: ClusterImagePullSecretManagerSpec;
  declare status?: ManagerStatus;
}

RegisterKind(ClusterImagePullSecretManager, {
  group: GROUP,
  version: VERSION,
  kind: KIND_CLUSTER,
  plural: "clusterimagepullsecretmanagers",
});
