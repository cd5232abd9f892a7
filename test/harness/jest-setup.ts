import { decideSkip } from "./skip-policy";

jest.setTimeout(180_000);

// globalSetup already fails a required run it cannot start; this also catches a CHEIRON_IT_SKIP that reaches a
// test file some other way (a worker's environment, a run without globalSetup) when integration is required.
const skipReason = process.env.CHEIRON_IT_SKIP;
if (skipReason) {
  const decision = decideSkip({ env: process.env, reason: skipReason });
  if (decision.action === "fail") throw new Error(decision.message);
}
