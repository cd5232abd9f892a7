// kubernetes-fluent-client throws its FetchResponse ({ok:false, status, statusText, data}), not an Error.
export function statusOf(e: unknown): number | undefined {
  if (
    e &&
    typeof e === "object" &&
    "status" in e &&
    typeof (e as { status: unknown }).status === "number"
  ) {
    return (e as { status: number }).status;
  }
  return undefined;
}

/** A short, credential-free description of a failed API call. */
export function describeError(e: unknown): string {
  const status = statusOf(e);
  if (status !== undefined && status > 0) {
    const data = (e as { data?: { message?: unknown; reason?: unknown } }).data;
    const message =
      typeof data?.message === "string" ? data.message : (e as { statusText?: string }).statusText;
    return `${status}${message ? `: ${message}` : ""}`;
  }
  return e instanceof Error ? e.message : String(e);
}

export const isNotFound = (e: unknown) => statusOf(e) === 404;
export const isConflict = (e: unknown) => statusOf(e) === 409;
/** Writes into a namespace that is gone or being deleted are not errors of ours. */
export const isNamespaceGone = (e: unknown) =>
  statusOf(e) === 404 ||
  (statusOf(e) === 403 && /being terminated|not found/.test(describeError(e)));
