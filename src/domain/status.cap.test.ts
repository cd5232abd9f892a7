// Status keeps at most 20 problems: write failures come first, so a failure in namespace "zz" is not cut off by
// 25 conflicts. Issue 22 #11: what admission must not reference is in status.unattachable, which is not capped at 20.
import type { Problem } from "../api/types";
import { buildStatus, buildUnattachable, MAX_UNATTACHABLE_NAMESPACES } from "./status";

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

describe("buildUnattachable", () => {
  it("lists missing Secrets and conflicts by name, sorted, past the 20 problems status lists", () => {
    const missing = Array.from({ length: 30 }, (_, i) => ({
      namespace: `n${i + 10}`,
      secret: "hub",
    }));
    const st = buildStatus(undefined, {
      generation: 1,
      namespaces: 31,
      secrets: 0,
      problems: [p("a", "SecretConflict"), p("a", "WriteFailed"), p("b", "SourceSecretMissing")],
      failed: [],
      missing,
      dryRun: false,
      now: "2024-01-01T00:00:00Z",
    });
    expect(st.unattachable).toEqual([
      { secret: "hub", namespaces: missing.map(m => m.namespace) },
      { secret: "s", namespaces: ["a"] },
    ]);
  });

  it("is bounded, and absent when nothing is unattachable", () => {
    const many = Array.from({ length: MAX_UNATTACHABLE_NAMESPACES + 5 }, (_, i) => ({
      namespace: `n${String(i).padStart(5, "0")}`,
      secret: "hub",
    }));
    expect(buildUnattachable([], many)?.[0].namespaces).toHaveLength(MAX_UNATTACHABLE_NAMESPACES);
    expect(buildUnattachable([p("a", "WriteFailed")], [])).toBeUndefined();
  });
});
