// How many intervals were open at once, at the most: requests in flight from the audit log's
// requestReceivedTimestamp and stageTimestamp. An interval that ends when another starts does not overlap it.

export function peakOverlap(intervals: readonly (readonly [number, number])[]): number {
  const edges = intervals.flatMap(([start, end]) => [
    [start, 1],
    [end, -1],
  ]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]); // at equal times an end goes first
  let open = 0;
  let peak = 0;
  for (const [, step] of edges) peak = Math.max(peak, (open += step));
  return peak;
}
