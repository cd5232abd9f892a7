import { toApiError } from "./api-error";
import { describeError, isConflict, isNamespaceGone, isNotFound, statusOf } from "./errors";
import { isConflict as conflictRetry } from "./errors";

const status = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message });

describe("toApiError keeps what the retry, conflict and gone logic needs", () => {
  it.each([
    [404, status(404, "NotFound", 'secrets "a" not found'), "NotFound", 'secrets "a" not found'],
    [
      409,
      status(409, "AlreadyExists", 'secrets "a" already exists'),
      "AlreadyExists",
      'secrets "a" already exists',
    ],
    [
      409,
      status(409, "Conflict", "the object has been modified"),
      "Conflict",
      "the object has been modified",
    ],
    [
      410,
      status(410, "Expired", "too old resource version"),
      "Expired",
      "too old resource version",
    ],
    [422, status(422, "Invalid", "Secret is invalid"), "Invalid", "Secret is invalid"],
    [
      403,
      status(403, "Forbidden", "namespace x is being terminated"),
      "Forbidden",
      "namespace x is being terminated",
    ],
    [500, "<html>proxy error</html>", "InternalError", undefined],
    [418, "", "HTTP418", undefined],
  ])("%i %s", (code, body, reason, message) => {
    const e = toApiError("PATCH", "/api/v1/namespaces/n/secrets/a", code, body);
    expect(e.status).toBe(code);
    expect(statusOf(e)).toBe(code);
    expect(e.reason).toBe(reason);
    if (message) {
      expect(e.data.message).toBe(message);
      expect(describeError(e)).toBe(`${code}: ${message}`);
    }
    expect(e.message).toContain(`PATCH /api/v1/namespaces/n/secrets/a: ${code} ${reason}`);
  });

  it.each([
    [404, "", true, false, true],
    [409, "", false, true, false],
    [403, "namespace x is being terminated", false, false, true],
    [403, "forbidden: User cannot patch", false, false, false],
    [422, "", false, false, false],
  ])("%i %s: notFound %s, conflict %s, namespaceGone %s", (code, msg, nf, cf, gone) => {
    const e = toApiError("POST", "/p", code, msg ? status(code, "Forbidden", msg) : "");
    expect(isNotFound(e)).toBe(nf);
    expect(isConflict(e)).toBe(cf);
    expect(conflictRetry(e)).toBe(cf);
    expect(isNamespaceGone(e)).toBe(gone);
  });

  it.each([
    ["3", 3],
    [" 12 ", 12],
    ["Wed, 21 Oct 2026 07:28:00 GMT", undefined],
    [undefined, undefined],
    [["7", "9"], 7],
  ])("Retry-After %j -> %s seconds", (header, seconds) => {
    expect(toApiError("GET", "/p", 429, "", header as string).retryAfterSeconds).toBe(seconds);
  });

  it("never quotes a request body: only method, path, status and the server's message", () => {
    const e = toApiError(
      "POST",
      "/api/v1/namespaces/n/secrets",
      422,
      status(422, "Invalid", "bad"),
    );
    expect(Object.keys(e)).not.toContain("body");
    expect(JSON.stringify({ ...e, message: e.message })).not.toMatch(/password|dockerconfigjson/);
  });
});
