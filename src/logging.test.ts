import { Log } from "pepr";
import { guardCredentialLogging, isPeprRequestDetail, redactApiPath } from "./logging";

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

// The arguments Pepr 1.1.4 passes to Log.info for one admission request (node_modules/pepr/dist/lib.js).
const meta = { uid: "u", namespace: "team", name: "/default" };
describe("isPeprRequestDetail", () => {
  it.each<[string, unknown[], boolean]>([
    ["Incoming request", [{ ...meta, operation: "CREATE" }, "Incoming request"], true],
    ["Processing request (mutate)", [meta, "Processing request"], true],
    ["Processing validation request", [meta, "Processing validation request"], true],
    ["a mutation action starts", [meta, "Processing mutation action (mutateCallback)"], true],
    ["a mutation action ends", [meta, "Mutation action succeeded (mutateCallback)"], true],
    ["a validation action starts", [meta, "Processing validation action (validateCallback)"], true],
    [
      "a validation action ends",
      [meta, "Validation action complete (validateCallback): denied"],
      true,
    ],
    ["no action", [meta, "No matching actions found"], true],
    [
      "the access line",
      [{ uid: "u", method: "POST", url: "/mutate/abc?timeout=10s", status: 200, duration: "3 ms" }],
      true,
    ],
    [
      "Check response: the one line kept",
      [{ ...meta, res: { allowed: true } }, "Check response"],
      false,
    ],
    ["Cheiron's own line", [{ resyncSeconds: 300 }, "Cheiron controller started"], false],
    ["a message alone", ["Incoming request"], false],
    ["Pepr's start line", ["Using API path: x"], false],
    ["an object without a url", [{ duration: "3 ms" }], false],
    ["another url", [{ url: "/healthz", duration: "1 ms" }], false],
    ["null", [null], false],
  ])("%s: %s", (_, args, dropped) => expect(isPeprRequestDetail(args)).toBe(dropped));
});

describe("guardCredentialLogging on Pepr's logger", () => {
  const saved = { info: Log.info, env: process.env.CHEIRON_ADMISSION_REQUEST_LOGS };
  afterEach(() => {
    Log.info = saved.info;
    if (saved.env === undefined) delete process.env.CHEIRON_ADMISSION_REQUEST_LOGS;
    else process.env.CHEIRON_ADMISSION_REQUEST_LOGS = saved.env;
  });

  /** What reaches pino for one admission request's lines, with `env` set. */
  function linesOfOneRequest(env: string | undefined): unknown[][] {
    if (env === undefined) delete process.env.CHEIRON_ADMISSION_REQUEST_LOGS;
    else process.env.CHEIRON_ADMISSION_REQUEST_LOGS = env;
    Log.level = "info"; // so the guard does not reassign the level methods over the recorder below
    const written: unknown[][] = [];
    Log.info = ((...a: unknown[]) => void written.push(a)) as typeof Log.info;
    guardCredentialLogging();
    Log.info(meta, "Incoming request");
    Log.info(meta, "Processing request");
    Log.info({ ...meta, res: { allowed: true } }, "Check response");
    Log.info({ uid: "u", method: "POST", url: "/mutate/abc", status: 200, duration: "3 ms" });
    return written;
  }

  it("keeps only Check response by default", () => {
    expect(linesOfOneRequest(undefined)).toEqual([
      [{ ...meta, res: { allowed: true } }, "Check response"],
    ]);
  });

  it("keeps all of them with CHEIRON_ADMISSION_REQUEST_LOGS=all, the API path still redacted", () => {
    const written = linesOfOneRequest("all");
    expect(written.map(a => a[1] ?? a[0])).toEqual([
      "Incoming request",
      "Processing request",
      "Check response",
      { uid: "u", method: "POST", url: "/mutate/<redacted>", status: 200, duration: "3 ms" },
    ]);
  });
});
