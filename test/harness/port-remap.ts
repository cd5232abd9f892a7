// Pepr binds its fixed port 3000 in every mode (`PeprModule.start(port = 3000)`, no setting). In a cluster each
// pod has its own network namespace and a Service maps 443 to it; here several module processes share loopback
// with the apiserver, so each is started with `node --require <preload>`, which maps a listen on 3000 to
// CHEIRON_TEST_LISTEN_PORT, the way the Service maps a port. Used by test/harness/own-watcher.ts and bench/.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const PRELOAD = `// Maps Pepr's fixed listen port 3000 to CHEIRON_TEST_LISTEN_PORT (test/harness/port-remap.ts).
const net = require("node:net");
const to = Number(process.env.CHEIRON_TEST_LISTEN_PORT);
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args[0] === 3000 && to) args[0] = to;
  return listen.apply(this, args);
};
`;

/** Writes the preload into `dir`; returns the node arguments and the environment for a process on `port`. */
export function writePortRemap(dir: string) {
  const preload = join(dir, "port-remap.cjs");
  writeFileSync(preload, PRELOAD);
  return {
    nodeArgs: ["--require", preload],
    env: (port: number) => ({ CHEIRON_TEST_LISTEN_PORT: String(port) }),
  };
}
