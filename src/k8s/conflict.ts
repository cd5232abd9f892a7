import { isConflict } from "./errors";

/**
 * Optimistic concurrency: `attempt` computes and writes from the object as read; when the write is refused
 * with 409 (the object changed since), the object is read again and the attempt repeated, at most `tries` times.
 */
export async function retryOnConflict<T, R>(
  obj: T,
  attempt: (current: T) => Promise<R>,
  reread: () => Promise<T>,
  tries = 4,
): Promise<R> {
  let current = obj;
  for (let n = 1; ; n++) {
    try {
      return await attempt(current);
    } catch (e) {
      if (!isConflict(e) || n >= tries) throw e;
      current = await reread();
    }
  }
}
