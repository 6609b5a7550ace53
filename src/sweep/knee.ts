// Where a load curve bends, and which points are worth running at.
// - Saturation between two loads a < b: the throughput gained per doubling of the load,
//   (T_b / T_a)^(1 / log2(b / a)) − 1, is under 10% while the latency grows. For a doubling that is
//   the rule as written; for other steps (bisection, 1,2,3,4 lists) the gain is scaled to a
//   doubling, so a step of 1.5× is held to the same standard.
// - The knee: the first point from which the next heavier point is saturated; past it, more load
//   buys latency, not throughput (GuideLLM's sweep and vLLM's `bench sweep` plot the same curve).
// - Max goodput: the point with the most requests/s meeting every SLO (the lighter one on a tie).
// - The Pareto front of output tokens/s per GPU against output tokens/s per user (1 / TPOT), as
//   SemiAnalysis InferenceX draws it: the points no other point beats on both.
// Points whose load generator saturated (perf.client.saturated) measured the client, not the
// server; callers leave them out.

/** The figures of a point these rules read. */
export interface CurvePoint {
  /** Concurrency or request rate. */
  load: number;
  outputTokensPerSec: number | null;
  /** The latency whose growth marks saturation: E2E p50, ms. */
  latencyMs: number | null;
}

export const KNEE_GAIN = 0.1;

/** Throughput gained per doubling of the load from a to b; null when unknown. */
export function gainPerDoubling(a: CurvePoint, b: CurvePoint): number | null {
  if (a.outputTokensPerSec === null || b.outputTokensPerSec === null || a.outputTokensPerSec <= 0 || b.load <= a.load) return null;
  return (b.outputTokensPerSec / a.outputTokensPerSec) ** (1 / Math.log2(b.load / a.load)) - 1;
}

/** True when going from a to the heavier b gains under 10% per doubling while latency grows. */
export function saturatedBetween(a: CurvePoint, b: CurvePoint): boolean {
  const gain = gainPerDoubling(a, b);
  if (gain === null) return false;
  const latencyGrows = a.latencyMs !== null && b.latencyMs !== null && b.latencyMs > a.latencyMs;
  return gain < KNEE_GAIN && latencyGrows;
}

/** Index (into `points`, sorted by load) of the knee, or null when the curve never flattens. */
export function findKnee(points: readonly CurvePoint[]): number | null {
  for (let i = 0; i + 1 < points.length; i++) if (saturatedBetween(points[i], points[i + 1])) return i;
  return null;
}

/** Index of the highest goodput (lightest on a tie), or null when no point has one. */
export function findMaxGoodput(goodputs: ReadonlyArray<number | null>): number | null {
  let best: number | null = null;
  goodputs.forEach((g, i) => {
    if (g !== null && (best === null || g > goodputs[best]!)) best = i;
  });
  return best;
}

/** Indices of the points on the Pareto front of (x, y), both larger-is-better; nulls are never on it. */
export function paretoFront(points: ReadonlyArray<{ x: number | null; y: number | null }>): Set<number> {
  const front = new Set<number>();
  points.forEach((p, i) => {
    if (p.x === null || p.y === null) return;
    const dominated = points.some((q, j) => j !== i && q.x !== null && q.y !== null && q.x >= p.x! && q.y >= p.y! && (q.x > p.x! || q.y > p.y!));
    if (!dominated) front.add(i);
  });
  return front;
}
