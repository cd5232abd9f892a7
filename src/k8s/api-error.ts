// A failed API call, with what the retry, conflict and "gone" logic needs: the HTTP status, the Status
// reason (AlreadyExists, Conflict, NotFound, ...) and the apiserver's message. No request body is kept, so an
// error never carries a credential.
export class ApiError extends Error {
  /** Same shape as kubernetes-fluent-client's errors, so describeError and statusOf read both. */
  readonly data: { message?: string; reason?: string };
  readonly statusText: string;

  constructor(
    message: string,
    /** HTTP status; 0 for a network error or a deadline. */
    readonly status: number,
    readonly reason: string,
    apiMessage?: string,
    /** From a 429's or 503's Retry-After header, in seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ApiError";
    this.statusText = reason;
    this.data = { message: apiMessage ?? message, reason };
  }
}

const REASONS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  410: "Gone",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/** Parses the apiserver's Status body (when it is one) into an ApiError. */
export function toApiError(
  method: string,
  path: string,
  status: number,
  body: string,
  retryAfter?: string | string[],
): ApiError {
  let message: string | undefined;
  let reason: string | undefined;
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: unknown; reason?: unknown };
    if (parsed?.kind === "Status") {
      if (typeof parsed.message === "string") message = parsed.message;
      if (typeof parsed.reason === "string") reason = parsed.reason;
    }
  } catch {
    // not JSON: keep the status alone (a proxy's HTML page is not worth quoting)
  }
  const header = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  const seconds = header !== undefined && /^\d+$/.test(header.trim()) ? Number(header) : undefined;
  const why = reason ?? REASONS[status] ?? `HTTP${status}`;
  return new ApiError(
    `${method} ${path}: ${status} ${why}${message ? `: ${message}` : ""}`,
    status,
    why,
    message,
    seconds,
  );
}
