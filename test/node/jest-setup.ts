import { decideSkip } from "../harness/skip-policy";

jest.setTimeout(300_000);

// globalSetup already fails a required run that cannot start a node; this catches a CHEIRON_NODE_SKIP that
// reaches a test file some other way when integration tests are required.
const skipReason = process.env.CHEIRON_NODE_SKIP;
if (skipReason) {
  const decision = decideSkip({ env: process.env, reason: skipReason });
  if (decision.action === "fail") throw new Error(decision.message);
}
