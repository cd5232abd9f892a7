import { Capability } from "pepr";

export const Cheiron = new Capability({
  name: "cheiron",
  description: "Keeps container-registry credentials present and attached: Secrets, ServiceAccounts, Pods.",
});
