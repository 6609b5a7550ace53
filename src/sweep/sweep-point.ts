// One load point of a sweep, from its run directories (one per repeat): the serving figures its
// results.json already holds (throughput, TTFT/TPOT/E2EL percentiles), what its samples.jsonl says
// about the SLO (goodput, attainment), its accuracy with the 95% interval, energy and cost. With
// --repeats, figures are the median over repeats, and accuracy pools the repeats per sample (each
// sample's mean score), so its interval is a bootstrap over samples as for a single run.

import type { Results } from '../report/schema.ts';
import { bootstrapMeanCi, mean, percentile } from '../run/stats.ts';
import type { SampleResult } from '../types.ts';
import { evaluateSlo, requestTimes, type RequestTimes, type Slo } from './slo.ts';
import type { SweepPoint } from './sweep-schema.ts';

export interface PointRun {
  /** Relative to the sweep directory. */
  runDir: string;
  results: Results;
  samples: readonly SampleResult[];
}

export interface PointParams {
  runs: readonly PointRun[];
  concurrency: number | null;
  requestRate: number | null;
  phase: SweepPoint['phase'];
  order: number;
  slos: readonly Slo[] | null;
  gpuHourCostUsd: number | null;
  cacheReset: boolean | null;
}

/** A point before the sweep-level marks (Pareto front, accuracy against the lightest point). */
export type MeasuredSweepPoint = Omit<SweepPoint, 'pareto' | 'accuracy'> & { accuracy: Omit<SweepPoint['accuracy'], 'differsFromLightest'> };

function median(values: ReadonlyArray<number | null | undefined>): number | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  return xs.length ? percentile(xs, 50) : null;
}

/** The SLO figures of each timed request of the suite, and how many requests errored. */
export function pointRequests(samples: readonly SampleResult[], suite: string): { completed: RequestTimes[]; errored: number } {
  const completed: RequestTimes[] = [];
  let errored = 0;
  for (const s of samples) {
    if (s.suite !== suite) continue;
    if (s.state === 'errored') errored++;
    else if (s.timing) completed.push(requestTimes(s.timing, s.outputTokens ?? 0));
  }
  return { completed, errored };
}

/** results.json perf.client.saturated, which the load generator writes (absent in older runs). */
function clientSaturated(perf: Results['suites'][number]['perf']): boolean | null {
  const client = (perf as { client?: { saturated?: unknown } | null }).client;
  return typeof client?.saturated === 'boolean' ? client.saturated : null;
}

function accuracyOf(runs: readonly PointRun[]): MeasuredSweepPoint['accuracy'] {
  const first = runs[0].results.suites[0];
  const metric = first.primaryMetric;
  const m = first.metrics[metric];
  if (runs.length === 1) return { metric, value: m?.value ?? null, ci95: m?.ci95 ?? null };
  // the interval exists only for a plain mean of per-sample scores: pool the repeats per sample
  if (m?.ci95) {
    const byId = new Map<string, number[]>();
    for (const run of runs) {
      for (const s of run.samples) if (s.suite === first.id && s.state === 'scored' && s.score !== null) byId.set(s.id, [...(byId.get(s.id) ?? []), s.score]);
    }
    const perSample = [...byId.values()].map((scores) => mean(scores));
    if (perSample.length) return { metric, value: mean(perSample), ci95: bootstrapMeanCi(perSample) };
  }
  return { metric, value: median(runs.map((r) => r.results.suites[0].metrics[metric]?.value)), ci95: null };
}

export function measurePoint(p: PointParams): MeasuredSweepPoint {
  const per = p.runs.map((run) => {
    const suite = run.results.suites[0];
    const perf = suite.perf;
    const { completed, errored } = pointRequests(run.samples, suite.id);
    const slo = p.slos ? evaluateSlo({ slos: p.slos, completed, errored, durationSec: perf.durationSec }) : null;
    const gpus = Math.max(1, run.results.hardware.gpuCount);
    const cost =
      p.gpuHourCostUsd !== null && perf.totalOutputTokens > 0 ? ((p.gpuHourCostUsd * gpus * perf.durationSec) / 3600 / perf.totalOutputTokens) * 1e6 : null;
    return { run, suite, perf, completed: completed.length, errored, slo, gpus, cost, energy: run.results.energy ?? null, client: clientSaturated(perf) };
  });
  const pick = <T>(f: (x: (typeof per)[number]) => T) => per.map(f);
  const tpotP50 = median(pick((x) => x.perf.tpotMs?.p50));
  const tokps = median(pick((x) => x.perf.outputTokensPerSec));
  const saturatedFlags = pick((x) => x.client).filter((v): v is boolean => v !== null);
  const anyEnergy = per.some((x) => x.energy);
  return {
    concurrency: p.concurrency,
    requestRate: p.requestRate,
    runDir: p.runs[0].runDir,
    runDirs: p.runs.map((r) => r.runDir),
    phase: p.phase,
    order: p.order,
    completed: per.every((x) => x.run.results.completed),
    requests: Math.round(median(pick((x) => x.completed)) ?? 0),
    errored: Math.round(median(pick((x) => x.errored)) ?? 0),
    durationSec: median(pick((x) => x.perf.durationSec)) ?? 0,
    requestsPerSec: median(pick((x) => x.perf.requestsPerSec)),
    outputTokensPerSec: tokps,
    outputTokensPerSecPerGpu: tokps === null ? null : tokps / per[0].gpus,
    outputTokensPerSecPerUser: tpotP50 && tpotP50 > 0 ? 1000 / tpotP50 : null,
    ttftMs: { p50: median(pick((x) => x.perf.ttftMs?.p50)), p99: median(pick((x) => x.perf.ttftMs?.p99)) },
    tpotMs: { p50: tpotP50, p99: median(pick((x) => x.perf.tpotMs?.p99)) },
    e2elMs: { p50: median(pick((x) => x.perf.e2eLatencyMs?.p50)), p99: median(pick((x) => x.perf.e2eLatencyMs?.p99)) },
    goodput: p.slos ? median(pick((x) => x.slo?.goodput)) : null,
    sloAttainment: p.slos ? median(pick((x) => x.slo?.attainment)) : null,
    // a point holds the SLO when most of its repeats do
    sloPass: p.slos ? pick((x) => x.slo?.pass === true).filter(Boolean).length * 2 > per.length : null,
    accuracy: accuracyOf(p.runs),
    energy: anyEnergy
      ? {
          avgPowerW: median(pick((x) => x.energy?.avgPowerW)) ?? 0,
          joulesPerOutputToken: median(pick((x) => x.energy?.joulesPerOutputToken)),
          outputTokensPerJoule: median(pick((x) => x.energy?.outputTokensPerJoule)),
        }
      : null,
    costUsdPerMillionOutputTokens: median(pick((x) => x.cost)),
    clientSaturated: saturatedFlags.length ? saturatedFlags.some(Boolean) : null,
    valid: !saturatedFlags.some(Boolean),
    cacheReset: p.cacheReset,
  };
}
