// The one place where a suite may be skipped: when something it needs is missing (`reason` set). Outside CI the
// suite is skipped with the reason printed; where integration tests are required (CI, CHEIRON_REQUIRE_INTEGRATION:
// see skip-policy.ts) it throws instead, so a required run can never pass by skipping. ESLint refuses `.skip`
// and `.only` everywhere else (eslint.config.mjs).
import { decideSkip } from "./skip-policy";

function skipUnlessRequired(reason: string | undefined): boolean {
  if (!reason) return false;
  const decision = decideSkip({ env: process.env, reason });
  if (decision.action === "fail") throw new Error(decision.message);
  console.warn(`[skipped] ${decision.reason}`);
  return true;
}

/** `describe`, or `describe.skip` when `reason` is set and skipping is allowed here (else it throws). */
export function describeUnless(reason: string | undefined, base?: jest.Describe): jest.Describe {
  if (skipUnlessRequired(reason)) return describe.skip;
  // Outside jest there is no `describe`: `CHEIRON_START=deployed npm start` imports test/pods/install.ts, whose
  // imports define their suites' describe at load. globalThis's reads undefined there instead of throwing.
  return base ?? globalThis.describe;
}

/** `it`, or `it.skip` when `reason` is set and skipping is allowed here (else it throws). */
export function itUnless(reason: string | undefined): jest.It {
  return skipUnlessRequired(reason) ? it.skip : it;
}
