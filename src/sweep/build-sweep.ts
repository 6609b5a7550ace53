// The sweep as a whole from its measured points: sorted by load, the knee, the max-goodput point,
// the Pareto front, and each point's accuracy against the lightest point's (a point that quietly
// degrades answers under load, e.g. through preemption or a quantised KV cache, is flagged when
// the two 95% intervals do not overlap). Points whose load generator saturated are kept in the
// table but left out of these judgements.

import { findKnee, findMaxGoodput, paretoFront } from './knee.ts';
import type { MeasuredSweepPoint } from './sweep-point.ts';
import { SWEEP_SCHEMA_VERSION, type Sweep, type SweepPoint } from './sweep-schema.ts';

export type SweepHeader = Omit<Sweep, 'schemaVersion' | 'points' | 'knee' | 'maxGoodput'>;

export function loadOf(p: Pick<SweepPoint, 'concurrency' | 'requestRate'>, load: Sweep['load']): number {
  return (load === 'concurrency' ? p.concurrency : p.requestRate) ?? 0;
}

type LoadRef = Pick<SweepPoint, 'concurrency' | 'requestRate'>;

/** True when `p` is the point a knee or max-goodput reference names: the one at its load. */
export function isAt(ref: LoadRef | null, p: LoadRef, load: Sweep['load']): boolean {
  return ref !== null && loadOf(ref, load) === loadOf(p, load);
}

/** The point a sweep's knee (or max goodput) names. */
export function pointAt(s: Pick<Sweep, 'load' | 'points'>, ref: LoadRef | null): SweepPoint | null {
  return s.points.find((p) => isAt(ref, p, s.load)) ?? null;
}

function overlap(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

export function buildSweep(header: SweepHeader, measured: readonly MeasuredSweepPoint[]): Sweep {
  const sorted = [...measured].sort((a, b) => loadOf(a, header.load) - loadOf(b, header.load) || a.order - b.order);
  const valid = sorted.filter((p) => p.valid);
  const notes = [...header.notes];
  const invalid = sorted.filter((p) => !p.valid);
  if (invalid.length) {
    notes.push(`The load generator saturated at ${invalid.map((p) => p.runDir).join(', ')}: those points measured the client, not the server, and are left out of the knee, goodput and Pareto front. Add --client-workers.`);
  }
  const kneeAt = findKnee(valid.map((p) => ({ load: loadOf(p, header.load), outputTokensPerSec: p.outputTokensPerSec, latencyMs: p.e2elMs.p50 })));
  const bestAt = findMaxGoodput(valid.map((p) => p.goodput));
  const front = paretoFront(valid.map((p) => ({ x: p.outputTokensPerSecPerGpu, y: p.outputTokensPerSecPerUser })));
  const onFront = new Set([...front].map((i) => valid[i]));
  const lightest = valid.find((p) => p.accuracy.ci95 !== null) ?? null;
  const points: SweepPoint[] = sorted.map((p) => ({
    ...p,
    accuracy: {
      ...p.accuracy,
      differsFromLightest: lightest && p.accuracy.ci95 ? (p === lightest ? false : !overlap(p.accuracy.ci95, lightest.accuracy.ci95!)) : null,
    },
    pareto: onFront.has(p),
  }));
  const ref = (p: MeasuredSweepPoint) => ({ concurrency: p.concurrency, requestRate: p.requestRate });
  const best = bestAt === null ? null : valid[bestAt];
  return {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    ...header,
    notes,
    points,
    knee: kneeAt === null ? null : ref(valid[kneeAt]),
    maxGoodput: best && best.goodput !== null ? { ...ref(best), goodput: best.goodput } : null,
  };
}
