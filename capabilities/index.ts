// Cheiron's table of contents: every binding is one call into src/.
import { a, Capability } from "pepr";
import { ClusterImagePullSecretManager, ImagePullSecretManager } from "../src/api/kinds";
import { KIND_CLUSTER, KIND_NAMESPACED } from "../src/constants";
import { validateManagerRequest } from "../src/admission/validate";
import { mutatePod, mutateServiceAccount } from "../src/admission/mutate";
import { prewarmAdmissionView } from "../src/admission/view";
import { onNamespaceEvent, startController } from "../src/controllers";
import { guardCredentialLogging } from "../src/logging";

guardCredentialLogging();

export const Cheiron = new Capability({
  name: "cheiron",
  description:
    "Keeps container-registry credentials present and attached: Secrets, ServiceAccounts, Pods.",
});

const { When } = Cheiron;

// Admission: refuse invalid managers with a sentence that says what to fix.
When(ImagePullSecretManager)
  .IsCreatedOrUpdated()
  .Validate(req => validateManagerRequest(req, KIND_NAMESPACED));
When(ClusterImagePullSecretManager)
  .IsCreatedOrUpdated()
  .Validate(req => validateManagerRequest(req, KIND_CLUSTER));

// Admission: references are there the moment a ServiceAccount or Pod is created (no race with the controller).
When(a.ServiceAccount)
  .IsCreatedOrUpdated()
  .Mutate(req => mutateServiceAccount(req));
When(a.Pod)
  .IsCreated()
  .Mutate(req => mutatePod(req));

// Watcher: a namespace event queues that namespace's reconcile. Managers, namespaces, ServiceAccounts and
// Secrets are cached by src/controllers' own informers (slim objects, one pooled client, no periodic relist);
// this binding is also what makes `pepr build` generate the watcher Deployment.
When(a.Namespace)
  .IsCreatedOrUpdated()
  .Watch(ns => onNamespaceEvent(ns));

// Start-up: the watcher process starts the controller, admission pods warm their view (neither at build time).
startController();
prewarmAdmissionView();
