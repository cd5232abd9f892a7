// Whether an integration suite that cannot run (no Go, no control plane, no `unshare`) may be skipped or must
// fail the run. Pure: it reads only the environment it is given.

export type SkipDecision = { action: "skip"; reason: string } | { action: "fail"; message: string };

/** The variables that make integration tests required; `.ci/run` exports CHEIRON_REQUIRE_INTEGRATION=true. */
const REQUIRING = ["CHEIRON_REQUIRE_INTEGRATION", "CI"] as const;
const FALSE_VALUES = ["", "0", "false", "no", "off"];

/** A flag is on when set to anything but empty, 0, false, no or off (any case): CI=1, CI=yes, CI=woodpecker. */
export function isFlagOn(value: string | undefined): boolean {
  return value !== undefined && !FALSE_VALUES.includes(value.trim().toLowerCase());
}

/** The `NAME=value` settings that require integration tests here (none: skipping is allowed). */
export function requiringSettings(env: NodeJS.ProcessEnv): string[] {
  return REQUIRING.filter(name => isFlagOn(env[name])).map(name => `${name}=${env[name]}`);
}

export function isIntegrationRequired(env: NodeJS.ProcessEnv): boolean {
  return requiringSettings(env).length > 0;
}

/**
 * Skip (with `reason` printed) unless integration tests are required, by CHEIRON_REQUIRE_INTEGRATION or CI set
 * to anything but a false value; then fail. Nothing in the environment (CHEIRON_IT_SKIP included) can turn a
 * required run into a skip: CHEIRON_REQUIRE_INTEGRATION=false does not undo CI=true.
 */
export function decideSkip({
  env,
  reason,
}: {
  env: NodeJS.ProcessEnv;
  reason: string;
}): SkipDecision {
  const requiring = requiringSettings(env);
  if (requiring.length === 0) return { action: "skip", reason };
  return {
    action: "fail",
    message: `[integration] ${reason}. Integration tests are required here (${requiring.join(", ")}), so this fails instead of skipping.`,
  };
}
