// Service-level objectives of a sweep (`--slo ttft_p99_ms=500,tpot_p99_ms=50,e2el_p99_ms=8000`) and
// what they say about one load point:
// - goodput, DistServe's definition as vLLM's `--goodput` computes it (vllm/benchmarks/serve.py,
//   `calculate_metrics`): the completed requests whose every per-request value is within its
//   threshold (value <= threshold), divided by the point's duration; a request with one output token
//   has TPOT 0 there, as in vLLM;
// - SLO attainment: the share of the point's requests meeting every threshold, errored requests
//   counting as misses (they met no objective);
// - whether the point holds the SLO: each objective's percentile (the `p99` in its name, numpy's
//   linear interpolation) over all requests, errored ones counting as infinitely slow, is within its
//   threshold. `--profile auto` stops doubling at the first point that does not.

import { UserError } from '../errors.ts';
import { percentile } from '../run/stats.ts';

/** numpy's linear percentile where the slowest values may be Infinity (errored requests). */
function percentileWithMisses(sorted: readonly number[], q: number): number {
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  if (!Number.isFinite(sorted[Math.min(lo + 1, sorted.length - 1)])) return pos === lo ? sorted[lo] : Infinity;
  return percentile(sorted, q);
}

export const SLO_METRICS = ['ttft', 'tpot', 'e2el'] as const;
export type SloMetric = (typeof SLO_METRICS)[number];

export interface Slo {
  /** As the user wrote it: `ttft_p99_ms`. */
  key: string;
  metric: SloMetric;
  /** The percentile the point-level check uses (99 in `ttft_p99_ms`). */
  percentile: number;
  thresholdMs: number;
}

/** One request of a point, in ms; null where the request has no such figure (errored, no first token). */
export interface RequestTimes {
  ttft: number | null;
  tpot: number | null;
  e2el: number | null;
}

const KEY = /^(ttft|tpot|e2el)_p(\d{1,2}(?:\.\d+)?)_ms$/;

export function parseSlo(text: string): Slo[] {
  const out: Slo[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const m = KEY.exec(key);
    if (!m) throw new UserError(`--slo: '${key}' is not an objective. Use ttft_p99_ms, tpot_p99_ms or e2el_p99_ms (any percentile, e.g. ttft_p90_ms), e.g. --slo ttft_p99_ms=500,tpot_p99_ms=50.`);
    const value = Number(eq < 0 ? NaN : part.slice(eq + 1));
    if (!Number.isFinite(value) || value <= 0) throw new UserError(`--slo ${key}: expected a positive number of milliseconds, e.g. ${key}=500.`);
    const pct = Number(m[2]);
    if (pct <= 0 || pct >= 100) throw new UserError(`--slo ${key}: the percentile must be between 0 and 100.`);
    if (out.some((s) => s.metric === m[1])) throw new UserError(`--slo: ${m[1]} is given twice.`);
    out.push({ key, metric: m[1] as SloMetric, percentile: pct, thresholdMs: value });
  }
  if (out.length === 0) throw new UserError('--slo: no objective given, e.g. --slo ttft_p99_ms=500,tpot_p99_ms=50.');
  return out;
}

/** The per-request figures vLLM's goodput reads, from a sample's raw timing. */
export function requestTimes(timing: { startMs: number; firstTokenMs?: number; endMs: number } | undefined, outputTokens: number): RequestTimes {
  if (!timing) return { ttft: null, tpot: null, e2el: null };
  const e2el = timing.endMs - timing.startMs;
  if (timing.firstTokenMs === undefined) return { ttft: null, tpot: null, e2el };
  const ttft = timing.firstTokenMs - timing.startMs;
  return { ttft, tpot: outputTokens > 1 ? (e2el - ttft) / (outputTokens - 1) : 0, e2el };
}

/** True when every objective holds for this request (a missing figure is a miss). */
export function meetsSlo(r: RequestTimes, slos: readonly Slo[]): boolean {
  return slos.every((s) => {
    const v = r[s.metric];
    return v !== null && v <= s.thresholdMs;
  });
}

export interface SloOutcome {
  /** Requests/s meeting every objective: good completed requests / duration. */
  goodput: number | null;
  /** Share of all requests (errored included) meeting every objective. */
  attainment: number | null;
  /** Each objective's percentile within its threshold. */
  pass: boolean;
  /** The percentile each objective was checked with, ms (Infinity when errors reach it). */
  observed: Record<string, number | null>;
}

/**
 * `completed`: the successful requests' figures; `errored`: how many failed. Duration in seconds
 * (the point's, as its throughput uses).
 */
export function evaluateSlo(p: { slos: readonly Slo[]; completed: readonly RequestTimes[]; errored: number; durationSec: number }): SloOutcome {
  const total = p.completed.length + p.errored;
  const good = p.completed.filter((r) => meetsSlo(r, p.slos)).length;
  const observed: Record<string, number | null> = {};
  let pass = total > 0;
  for (const s of p.slos) {
    // a request without the figure, or an errored one, is as slow as it gets
    const values = [...p.completed.map((r) => r[s.metric] ?? Infinity), ...new Array<number>(p.errored).fill(Infinity)].sort((a, b) => a - b);
    const v = values.length ? percentileWithMisses(values, s.percentile) : null;
    observed[s.key] = v;
    if (v === null || !(v <= s.thresholdMs)) pass = false;
  }
  return {
    goodput: p.durationSec > 0 ? good / p.durationSec : null,
    attainment: total > 0 ? good / total : null,
    pass,
    observed,
  };
}
