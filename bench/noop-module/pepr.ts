// The baseline of the admission benchmark: a Pepr 1.1.4 module whose Mutate bindings change nothing, so its
// latency is Pepr's own (HTTPS, express, JSON, binding match, the pepr stamp annotation) and nothing else.
import { a, Capability, PeprModule } from "pepr";
import cfg from "./package.json";

export const Noop = new Capability({
  name: "noop",
  description: "Matches ServiceAccount and Pod CREATE and changes nothing.",
});

const leaveAsIs = () => undefined;

Noop.When(a.ServiceAccount).IsCreated().Mutate(leaveAsIs);
Noop.When(a.Pod).IsCreated().Mutate(leaveAsIs);

new PeprModule(cfg, [Noop]);
