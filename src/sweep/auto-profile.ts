// `--profile auto`: which concurrency to measure next, decided from the points measured so far (a
// pure function, replayed from the start each time, so the plan is easy to test and to explain).
// 1. Double from 1 until a point is bad: it breaks the SLO, its load generator saturated, or it is
//    saturated relative to the point before (knee.ts: under 10% more throughput per doubling while
//    latency grows); or until the point budget or the largest useful concurrency is reached.
// 2. Bisect between the last good and the first bad concurrency, judging each new point against the
//    last good one, until they are neighbours or the budget is spent.
// The max-goodput (or, without an SLO, the knee) point then lies within one bisection step of the
// boundary the bisection closed in on.

import { saturatedBetween, type CurvePoint } from './knee.ts';

export interface MeasuredPoint extends CurvePoint {
  /** Null without an SLO. */
  sloPass: boolean | null;
  clientSaturated: boolean;
}

export type AutoStep =
  | { done: false; load: number; phase: 'double' | 'bisect' }
  | { done: true; reason: string; lastGood: number | null; firstBad: number | null };

export interface AutoParams {
  /** In the order they were measured. */
  measured: readonly MeasuredPoint[];
  /** Most points to measure. */
  budget: number;
  /** Largest concurrency worth measuring (the samples a point has). */
  maxLoad: number;
}

function badAlone(p: MeasuredPoint): string | null {
  if (p.clientSaturated) return 'the load generator saturated';
  if (p.sloPass === false) return 'the SLO does not hold';
  return null;
}

export function nextAutoStep(p: AutoParams): AutoStep {
  const m = p.measured;
  if (m.length === 0) return { done: false, load: 1, phase: 'double' };
  // phase 1: the doubling points are the leading run of 1, 2, 4, … (the last one capped at maxLoad)
  let k = 0;
  let firstBad = -1;
  while (k < m.length) {
    if (k > 0 && m[k - 1].load >= p.maxLoad) break;
    if (m[k].load !== (k === 0 ? 1 : Math.min(2 * m[k - 1].load, p.maxLoad))) break;
    const bad = badAlone(m[k]) || (k > 0 && saturatedBetween(m[k - 1], m[k]));
    k++;
    if (bad) {
      firstBad = k - 1;
      break;
    }
  }
  if (firstBad === -1) {
    const last = m[k - 1];
    if (m.length >= p.budget) return { done: true, reason: `the point budget (${p.budget}) is spent`, lastGood: last.load, firstBad: null };
    if (last.load >= p.maxLoad) return { done: true, reason: `concurrency ${last.load} already has every sample of a point in flight`, lastGood: last.load, firstBad: null };
    return { done: false, load: Math.min(2 * last.load, p.maxLoad), phase: 'double' };
  }
  if (firstBad === 0) {
    return { done: true, reason: `at concurrency 1 ${badAlone(m[0]) ?? 'the point is bad'}`, lastGood: null, firstBad: 1 };
  }
  // phase 2: replay the bisection
  let lo = m[firstBad - 1];
  let hi = m[firstBad];
  for (const point of m.slice(k)) {
    if (badAlone(point) || saturatedBetween(lo, point)) hi = point;
    else lo = point;
  }
  if (hi.load - lo.load <= 1) return { done: true, reason: `concurrency ${lo.load} is good and ${hi.load} is not`, lastGood: lo.load, firstBad: hi.load };
  if (m.length >= p.budget) return { done: true, reason: `the point budget (${p.budget}) is spent between ${lo.load} and ${hi.load}`, lastGood: lo.load, firstBad: hi.load };
  return { done: false, load: Math.floor((lo.load + hi.load) / 2), phase: 'bisect' };
}
