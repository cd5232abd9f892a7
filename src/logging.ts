// At LOG_LEVEL=debug (the default of `pepr dev`) Pepr logs every admission request body, and the Validate
// requests for ImagePullSecretManagers carry inline registry passwords. Cheiron therefore caps Pepr's logger
// at info unless CHEIRON_ALLOW_DEBUG_LOGS=true says the operator accepts credentials in the log.
import { Log } from "pepr";

const VERBOSE = new Set(["debug", "trace"]);

export function guardCredentialLogging(): void {
  if (!VERBOSE.has(Log.level) || process.env.CHEIRON_ALLOW_DEBUG_LOGS === "true") return;
  const from = Log.level;
  Log.level = "info";
  Log.warn(
    { from, to: "info" },
    "Cheiron capped the log level at info: at debug Pepr logs admission bodies, which include registry credentials. " +
      "Set CHEIRON_ALLOW_DEBUG_LOGS=true to keep debug logging.",
  );
}
