// `npm start`'s choice of a node: CHEIRON_START_NODE set to a false value turns it off with that as the one-line
// reason; otherwise the machine decides (test/harness/node-host.ts's nodeUnavailableReason, unchanged).
// The machine's answer is stubbed: read live, it changes while another node run starts or stops beside the test.
jest.mock("../harness/node-host", () => ({
  ...jest.requireActual("../harness/node-host"),
  nodeUnavailableReason: jest.fn((bridge: string) => `the machine's answer for ${bridge}`),
}));
import { startNodeDisabledReason } from "../../scripts/start-node";
import { BRIDGE } from "../harness/node";

describe("startNodeDisabledReason", () => {
  it.each(["false", "0", "no", "OFF"])(
    "CHEIRON_START_NODE=%s: no node, and that is the reason",
    v => {
      expect(startNodeDisabledReason({ CHEIRON_START_NODE: v })).toBe(`CHEIRON_START_NODE=${v}`);
    },
  );

  it.each([undefined, "", "true", "1"])("CHEIRON_START_NODE=%s: the machine decides", v => {
    expect(startNodeDisabledReason({ CHEIRON_START_NODE: v })).toBe(
      `the machine's answer for ${BRIDGE.name}`,
    );
  });
});
