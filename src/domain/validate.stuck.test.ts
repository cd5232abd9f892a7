import { KIND_CLUSTER, KIND_NAMESPACED } from "../constants";
import { validateManager } from "./validate";

const secrets = [{ name: "ghcr", registry: "ghcr.io", username: "u", password: "p" }];

describe("spec.recreateStuckPods and spec.recreateStuckPodsPerMinute", () => {
  it.each([
    ["both set", { recreateStuckPods: true, recreateStuckPodsPerMinute: 5 }, []],
    ["the bounds", { recreateStuckPods: false, recreateStuckPodsPerMinute: 100 }, []],
    [
      "recreateStuckPods not a boolean",
      { recreateStuckPods: "yes" },
      [/spec.recreateStuckPods must be true or false/],
    ],
    ["zero a minute", { recreateStuckPodsPerMinute: 0 }, [/from 1 to 100, not 0/]],
    ["too many a minute", { recreateStuckPodsPerMinute: 101 }, [/from 1 to 100, not 101/]],
    ["a fraction", { recreateStuckPodsPerMinute: 2.5 }, [/whole number/]],
    ["a string", { recreateStuckPodsPerMinute: "10" }, [/whole number/]],
  ])("%s", (_name, fields, errors) => {
    for (const kind of [KIND_NAMESPACED, KIND_CLUSTER] as const) {
      const result = validateManager(kind, { secrets, ...fields });
      expect(result.errors).toHaveLength(errors.length);
      errors.forEach((e, i) => expect(result.errors[i]).toMatch(e));
    }
  });
});
