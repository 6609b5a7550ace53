// GPU energy of a run from the sampler's power readings (sampler.ts): each GPU's power is taken as
// linear between polls and held flat before the first and after the last, integrated over the
// windows the run generated in (each suite's timed window), and summed over the GPUs. InferenceX and
// ML.ENERGY report energy the same way, as power polled from the vendor tool times time; the tools
// report board power averaged over about a second (nvidia-smi `power.draw`, amd-smi `socket_power`),
// so polling once a second loses little. joules per output token = energy / the tokens generated in
// those windows.

import type { Energy } from './energy-schema.ts';
import type { GpuTool } from './types.ts';

export interface PowerSample {
  /** Monotonic ms (the sampler's clock: performance.now) when the poll answered. */
  atMs: number;
  /** Watts per GPU index, for the selected GPUs that reported power in this poll. */
  watts: ReadonlyMap<number, number>;
}

export interface PowerTrace {
  tool: GpuTool | null;
  /** The field the power was read from (`socket_power`, `power.draw` …). */
  field: string | null;
  samples: PowerSample[];
}

/** A span of generation, in the same monotonic ms as the trace. */
export interface TimeWindow {
  startMs: number;
  endMs: number;
}

export type EnergyOutcome = { energy: Energy; note: null } | { energy: null; note: string };

type Point = readonly [atMs: number, watts: number];

/** ∫ power dt over [a, b] in joules (ms × W / 1000), for points sorted by time. */
export function integratePower(points: readonly Point[], a: number, b: number): number {
  if (b <= a || points.length === 0) return 0;
  const [t0, w0] = points[0];
  const [tn, wn] = points[points.length - 1];
  let mwms = 0; // W·ms
  mwms += w0 * Math.max(0, Math.min(b, t0) - a);
  mwms += wn * Math.max(0, b - Math.max(a, tn));
  for (let i = 0; i + 1 < points.length; i++) {
    const [ta, wa] = points[i];
    const [tb, wb] = points[i + 1];
    const lo = Math.max(a, ta);
    const hi = Math.min(b, tb);
    if (hi <= lo || tb <= ta) continue;
    const at = (t: number) => wa + ((wb - wa) * (t - ta)) / (tb - ta);
    mwms += ((at(lo) + at(hi)) / 2) * (hi - lo);
  }
  return mwms / 1000;
}

/** Joules per output token, and output tokens per joule (null when the divisor is 0): one rule for a run and a merged one. */
export const perToken = (joules: number, tokens: number) => (tokens > 0 ? joules / tokens : null);
export const perJoule = (tokens: number, joules: number) => (joules > 0 ? tokens / joules : null);

export function computeEnergy(p: { trace: PowerTrace; windows: readonly TimeWindow[]; outputTokens: number }): EnergyOutcome {
  const { trace } = p;
  if (!trace.tool) return { energy: null, note: 'energy: no GPU power readings (no GPU tool answered)' };
  if (trace.samples.length === 0) return { energy: null, note: `energy: ${trace.tool} reported no power draw for the selected GPUs` };
  const windows = p.windows.filter((w) => w.endMs > w.startMs);
  const durationMs = windows.reduce((s, w) => s + (w.endMs - w.startMs), 0);
  if (durationMs === 0) return { energy: null, note: 'energy: the run generated nothing, so there is no time to integrate power over' };
  const samples = [...trace.samples].sort((x, y) => x.atMs - y.atMs);
  const indices = [...new Set(samples.flatMap((s) => [...s.watts.keys()]))].sort((x, y) => x - y);
  const perGpu = indices.map((index) => {
    const points: Point[] = samples.flatMap((s) => (s.watts.has(index) ? [[s.atMs, s.watts.get(index)!] as const] : []));
    const energyJ = windows.reduce((sum, w) => sum + integratePower(points, w.startMs, w.endMs), 0);
    return {
      index,
      avgPowerW: energyJ / (durationMs / 1000),
      energyJ,
      joulesPerOutputToken: perToken(energyJ, p.outputTokens),
      outputTokensPerJoule: perJoule(p.outputTokens, energyJ),
    };
  });
  const energyJ = perGpu.reduce((s, g) => s + g.energyJ, 0);
  const readings = samples.filter((s) => windows.some((w) => s.atMs >= w.startMs && s.atMs <= w.endMs)).length;
  return {
    note: null,
    energy: {
      avgPowerW: energyJ / (durationMs / 1000),
      energyJ,
      joulesPerOutputToken: perToken(energyJ, p.outputTokens),
      outputTokensPerJoule: perJoule(p.outputTokens, energyJ),
      source: `${trace.tool} ${trace.field ?? 'power'}`,
      durationSec: durationMs / 1000,
      outputTokens: p.outputTokens,
      readings,
      perGpu,
    },
  };
}
