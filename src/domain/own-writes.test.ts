import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  MODULE_OBJECT_NAME,
  MODULE_SERVICE_ACCOUNT_USER,
  MODULE_UUID,
  OWN_WRITES_CONDITION,
} from "../constants";
import { buildOwnWritesExpression, planOwnWritesApply } from "./own-writes";

const pkg = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8"));
const SA = "system:serviceaccount:pepr-system:pepr-cheiron";

describe("own writes skip the webhook", () => {
  it("MODULE_UUID is package.json's pepr.uuid; the manifest's ServiceAccount is pepr-system/pepr-<uuid>", () => {
    expect(MODULE_UUID).toBe(pkg.pepr.uuid);
    expect(MODULE_OBJECT_NAME).toBe("pepr-cheiron");
    expect(MODULE_SERVICE_ACCOUNT_USER).toBe(SA);
  });

  it("the expression excludes UPDATEs by that user only, the name quoted as a CEL string", () => {
    expect(buildOwnWritesExpression(SA)).toBe(
      `request.operation != 'UPDATE' || request.userInfo.username != '${SA}'`,
    );
    expect(buildOwnWritesExpression(`o'k\\`)).toBe(
      `request.operation != 'UPDATE' || request.userInfo.username != 'o\\'k\\\\'`,
    );
  });

  const hook = (name: string, matchConditions?: { name: string; expression: string }[]) => ({
    name,
    ...(matchConditions ? { matchConditions } : {}),
  });
  const ours = (user: string) => ({
    name: OWN_WRITES_CONDITION,
    expression: buildOwnWritesExpression(user),
  });

  it("plans nothing when every webhook carries the condition for this identity", () => {
    const other = { name: "theirs", expression: "true" };
    const config = {
      metadata: { name: "pepr-cheiron" },
      webhooks: [hook("a", [other, ours(SA)]), hook("b", [ours(SA)])],
    };
    expect(planOwnWritesApply(config, SA)).toBeUndefined();
  });

  it("plans an apply of the condition on every webhook when one lacks it or names another identity", () => {
    const config = {
      metadata: { name: "pepr-cheiron" },
      webhooks: [hook("a", [ours(SA)]), hook("b"), hook("c", [ours("cheiron-module")])],
    };
    expect(planOwnWritesApply(config, SA)).toEqual({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "MutatingWebhookConfiguration",
      metadata: { name: "pepr-cheiron" },
      webhooks: ["a", "b", "c"].map(name => ({ name, matchConditions: [ours(SA)] })),
    });
  });
});
