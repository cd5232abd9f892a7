// Issue 11 #2: admission reads WriteFailed problems from status to avoid dangling references, and status keeps
// at most 20 problems: write failures come first, so a failure in namespace "zz" is not cut off by 25 conflicts.
import type { Problem } from "../api/types";
import { buildStatus } from "./status";

const p = (namespace: string, reason: Problem["reason"]): Problem => ({
  namespace,
  secret: "s",
  reason,
  message: `${reason} in ${namespace}`,
});

it.each([
  [
    "after 25 conflicts",
    [...Array.from({ length: 25 }, (_, i) => p(`a${i}`, "SecretConflict")), p("zz", "WriteFailed")],
  ],
  [
    "before them",
    [p("zz", "WriteFailed"), ...Array.from({ length: 25 }, (_, i) => p(`a${i}`, "SecretConflict"))],
  ],
])("a write failure listed %s stays within the cap", (_what, problems) => {
  const st = buildStatus(undefined, {
    generation: 1,
    namespaces: 26,
    secrets: 0,
    problems,
    failed: ["x"],
    dryRun: false,
    now: "2024-01-01T00:00:00Z",
  });
  expect(st.problems).toHaveLength(20);
  expect(st.problemCount).toBe(26);
  expect(st.problems?.[0]).toMatchObject({ namespace: "zz", reason: "WriteFailed" });
});
