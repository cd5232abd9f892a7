/** Runs the jobs with at most `limit` at once (a local fan-out needs bounded concurrency, not a rate limit). */
export async function runBounded(jobs: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}
