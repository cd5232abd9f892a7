import { KIND_CLUSTER, KIND_NAMESPACED } from "../constants";
import { validateManager } from "./validate";

const secrets = [{ name: "ghcr", registry: "ghcr.io", username: "u", password: "p" }];

describe("spec.verify", () => {
  it.each<[string, unknown, RegExp[], RegExp[]]>([
    ["enabled with an interval", { enabled: true, intervalMinutes: 60 }, [], []],
    ["the bounds", { enabled: false, intervalMinutes: 10080 }, [], []],
    ["an empty object", {}, [], []],
    ["not an object", true, [/spec.verify must be an object/], []],
    [
      "enabled not a boolean",
      { enabled: "yes" },
      [/spec.verify.enabled must be true or false/],
      [],
    ],
    ["zero minutes", { intervalMinutes: 0 }, [/from 1 to 10080, not 0.*default 360/], []],
    ["over a week", { intervalMinutes: 10081 }, [/from 1 to 10080, not 10081/], []],
    ["a fraction", { intervalMinutes: 1.5 }, [/whole number/], []],
    [
      "an unknown field",
      { enabled: true, every: 5 },
      [],
      [/spec.verify.every is not a known field/],
    ],
  ])("%s", (_name, verify, errors, warnings) => {
    for (const kind of [KIND_NAMESPACED, KIND_CLUSTER] as const) {
      const result = validateManager(kind, { secrets, verify });
      expect(result.errors).toHaveLength(errors.length);
      errors.forEach((e, i) => expect(result.errors[i]).toMatch(e));
      warnings.forEach(w => expect(result.warnings.join("\n")).toMatch(w));
    }
  });
});
