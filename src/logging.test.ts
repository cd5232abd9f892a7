import { redactApiPath } from "./logging";

describe("redactApiPath", () => {
  it.each([
    [
      "Using API path: 61c3db2bebba6216f397e0a5499ac3ade223c1266e2c59dd6539acfd07819c7a",
      "Using API path: <redacted>",
    ],
    ["Using API path: ", "Using API path: <redacted>"],
    ["Controller configuration", "Controller configuration"],
    ["the line Using API path: x is not Pepr's", "the line Using API path: x is not Pepr's"],
  ])("%s -> %s", (line, out) => expect(redactApiPath(line)).toBe(out));

  it.each([
    ["/mutate/30fe15?timeout=10s", "/mutate/<redacted>?timeout=10s"],
    ["/validate/30fe15", "/validate/<redacted>"],
  ])("the url %s of Pepr's request line -> %s", (url, out) =>
    expect(redactApiPath({ uid: "u", method: "POST", url, status: 200 })).toEqual({
      uid: "u",
      method: "POST",
      url: out,
      status: 200,
    }),
  );

  it.each([[{ path: "x" }], [{ url: "/healthz" }], [null], [undefined], [42]])(
    "leaves a non-string argument (%p) alone",
    arg => expect(redactApiPath(arg)).toBe(arg),
  );
});
