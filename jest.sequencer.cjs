// Jest's own order (failed files first, then the slowest first, from its cache), except that
// test/integration/controller.scale.test.ts and test/pods/uninstall.test.ts always run last. The first deletes its 600 namespaces when it ends, and
// kube-controller-manager deletes namespaces at its client rate (20 requests/s, dozens of requests each) for
// many minutes after: a later test that waits for a namespace to go away would wait behind all of them.
const Sequencer = require("@jest/test-sequencer").default;

// test/pods/uninstall.test.ts removes the module the other pods files use.
const LAST = /[\\/](controller\.scale|pods[\\/]uninstall)\.test\.ts$/;

class CheironSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter(t => !LAST.test(t.path)), ...sorted.filter(t => LAST.test(t.path))];
  }
}

module.exports = CheironSequencer;
