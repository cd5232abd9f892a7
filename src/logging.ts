// At LOG_LEVEL=debug (the default of `pepr dev`) Pepr logs every admission request body, and the Validate
// requests for ImagePullSecretManagers carry inline registry passwords. Cheiron therefore caps Pepr's logger
// at info unless CHEIRON_ALLOW_DEBUG_LOGS=true says the operator accepts credentials in the log.
// Pepr also logs, at info, the random API path of its admission endpoint (at start, and in the URL of every
// admission request), the only credential a caller of that endpoint needs: Cheiron redacts it from both lines
// (proven on the built module by test/deployed/deployed.test.ts).
import { Log } from "pepr";

const VERBOSE = new Set(["debug", "trace"]);
const API_PATH_LINE = "Using API path: ";

export function guardCredentialLogging(): void {
  capLogLevel();
  // After the cap: setting the level makes pino assign its level methods again.
  redactApiPathLine();
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

function redactApiPathLine(): void {
  const info = Log.info;
  Log.info = function (this: unknown, ...args: unknown[]) {
    return (info as (...a: unknown[]) => void).apply(Log, args.map(redactApiPath));
  } as typeof Log.info;
}
