// At LOG_LEVEL=debug (the default of `pepr dev`) Pepr logs every admission request body, and the Validate
// requests for ImagePullSecretManagers carry inline registry passwords. Cheiron therefore caps Pepr's logger
// at info unless CHEIRON_ALLOW_DEBUG_LOGS=true says the operator accepts credentials in the log.
// Pepr also logs, at info, the random API path of its admission endpoint (at start, and in the URL of every
// admission request), the only credential a caller of that endpoint needs: Cheiron redacts it from both lines
// (proven on the built module by test/deployed/deployed.test.ts).
// Pepr writes six info lines for every admission request (every Pod and ServiceAccount admitted); Cheiron keeps
// one of them, "Check response" (uid, namespace, name, the answer), unless CHEIRON_ADMISSION_REQUEST_LOGS=all.
// The other five were 75,000 of 90,000 log lines in a 1,000-namespace benchmark run (docs/operations.md).
import { Log } from "pepr";
import { settings } from "./settings";

const VERBOSE = new Set(["debug", "trace"]);
const API_PATH_LINE = "Using API path: ";

export function guardCredentialLogging(): void {
  capLogLevel();
  // After the cap: setting the level makes pino assign its level methods again.
  filterInfoLines(settings().admissionRequestLogs === "one");
}

function capLogLevel(): void {
  if (!VERBOSE.has(Log.level) || process.env.CHEIRON_ALLOW_DEBUG_LOGS === "true") return;
  const from = Log.level;
  Log.level = "info";
  Log.warn(
    { from, to: "info" },
    "Cheiron capped the log level at info: at debug Pepr logs admission bodies, which include registry credentials. " +
      "Set CHEIRON_ALLOW_DEBUG_LOGS=true to keep debug logging.",
  );
}

const API_PATH_URL = /^\/(mutate|validate)\/[^/?]+/;

/**
 * The log argument with Pepr's API path replaced: the start line, and the `url` of Pepr's line per admission
 * request ({ uid, method, url: "/mutate/<token>?timeout=10s", status, duration }). Anything else as it is.
 */
export function redactApiPath(arg: unknown): unknown {
  if (typeof arg === "string")
    return arg.startsWith(API_PATH_LINE) ? `${API_PATH_LINE}<redacted>` : arg;
  const url = (arg as { url?: unknown } | null)?.url;
  if (typeof url !== "string" || !API_PATH_URL.test(url)) return arg;
  return { ...(arg as object), url: url.replace(API_PATH_URL, "/$1/<redacted>") };
}

/** Pepr's info messages for each admission request, but its "Check response" (src/lib/processors, lib.js). */
const REQUEST_DETAIL = [
  /^Incoming request$/,
  /^Processing (validation )?request$/,
  /^Processing (mutation|validation) action \(/,
  /^Mutation action succeeded \(/,
  /^Validation action complete \(/,
  /^No matching actions found$/,
];

/**
 * Whether Log.info's arguments are one of Pepr's per-request lines that "one" drops: a message above after its
 * object, or the access line (a lone object with the admission `url` and a `duration`).
 */
export function isPeprRequestDetail(args: unknown[]): boolean {
  const [first, message] = args;
  if (args.length === 2 && typeof first === "object" && typeof message === "string")
    return REQUEST_DETAIL.some(r => r.test(message));
  if (args.length !== 1 || typeof first !== "object" || first === null) return false;
  const { url, duration } = first as { url?: unknown; duration?: unknown };
  return typeof url === "string" && API_PATH_URL.test(url) && typeof duration === "string";
}

function filterInfoLines(dropRequestDetail: boolean): void {
  const info = Log.info;
  Log.info = function (this: unknown, ...args: unknown[]) {
    if (dropRequestDetail && isPeprRequestDetail(args)) return;
    return (info as (...a: unknown[]) => void).apply(Log, args.map(redactApiPath));
  } as typeof Log.info;
}
