// The Validate half of the API: what the CRD schema cannot say (see src/domain/validate.ts).
import type { PeprValidateRequest } from "pepr";
import type { ClusterImagePullSecretManager, ImagePullSecretManager } from "../api/kinds";
import type { ManagerKind } from "../domain/model";
import { validateManager } from "../domain/validate";

export function validateManagerRequest(
  req: PeprValidateRequest<ImagePullSecretManager | ClusterImagePullSecretManager>,
  kind: ManagerKind,
) {
  const { errors, warnings } = validateManager(kind, req.Raw.spec);
  if (errors.length > 0) return req.Deny(errors.join(" "), 422, warnings);
  return req.Approve(warnings);
}
