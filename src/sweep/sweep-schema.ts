// sweep.json: the one machine-readable record of a sweep (`vlm-harness sweep`). The zod schema is
// the contract; its JSON Schema is exported to reports/sweep.schema.json (`npm run schema`). Names
// other tools read (keep them): points[] with concurrency, requestRate, runDir, requestsPerSec,
// outputTokensPerSec, ttftMs.{p50,p99}, tpotMs.{p50,p99}, goodput, sloAttainment,
// accuracy.{value,ci95}; knee {concurrency, requestRate}; maxGoodput {concurrency, requestRate, goodput}.

import { z } from 'zod';
import { serveRecordSchema } from '../serve/serve-schema.ts';

export const SWEEP_SCHEMA_VERSION = 1;

const p50p99 = z.object({ p50: z.number().nullable(), p99: z.number().nullable() });
const loadRef = z.object({ concurrency: z.number().nullable(), requestRate: z.number().nullable() });

export const sloSchema = z.object({
  key: z.string(),
  metric: z.enum(['ttft', 'tpot', 'e2el']),
  percentile: z.number(),
  thresholdMs: z.number(),
});

export const sweepPointSchema = z.object({
  /** Requests in flight at most; null for a request-rate sweep with no cap given. */
  concurrency: z.number().int().nullable(),
  /** Poisson arrivals per second; null: as fast as the concurrency allows. */
  requestRate: z.number().nullable(),
  /** The point's run directory, relative to the sweep directory (the first repeat's with --repeats). */
  runDir: z.string(),
  /** Every repeat's run directory. */
  runDirs: z.array(z.string()),
  /** How the point was chosen: from the list, or by --profile auto's doubling or bisection. */
  phase: z.enum(['list', 'double', 'bisect']),
  /** Position in the order the points ran (0 first). */
  order: z.number().int(),
  completed: z.boolean(),
  /** Timed requests, and requests that errored (medians over repeats). */
  requests: z.number().int(),
  errored: z.number().int(),
  durationSec: z.number(),
  requestsPerSec: z.number().nullable(),
  outputTokensPerSec: z.number().nullable(),
  /** outputTokensPerSec / GPUs recorded (one when none was). */
  outputTokensPerSecPerGpu: z.number().nullable(),
  /** Output tokens/s one user sees: 1000 / TPOT p50. */
  outputTokensPerSecPerUser: z.number().nullable(),
  ttftMs: p50p99,
  tpotMs: p50p99,
  e2elMs: p50p99,
  /** Requests/s whose every SLO holds (vLLM's --goodput, DistServe); null without --slo. */
  goodput: z.number().nullable(),
  /** Share of the point's requests (errored ones included) meeting every SLO, 0..1; null without --slo. */
  sloAttainment: z.number().nullable(),
  /** Each SLO's percentile within its threshold; null without --slo. */
  sloPass: z.boolean().nullable(),
  accuracy: z.object({
    metric: z.string(),
    value: z.number().nullable(),
    ci95: z.tuple([z.number(), z.number()]).nullable(),
    /** The 95% intervals of this point and the lightest point do not overlap; null when either is missing. */
    differsFromLightest: z.boolean().nullable(),
  }),
  energy: z
    .object({ avgPowerW: z.number(), joulesPerOutputToken: z.number().nullable(), outputTokensPerJoule: z.number().nullable() })
    .nullable(),
  /** US$ per million output tokens at --gpu-hour-cost; null without it. */
  costUsdPerMillionOutputTokens: z.number().nullable(),
  /** The load generator's own verdict (results.json perf.client.saturated); null when it did not report one. */
  clientSaturated: z.boolean().nullable(),
  /** False when the point measured the client rather than the server (it is left out of knee, goodput and Pareto). */
  valid: z.boolean(),
  /** On the Pareto front of tokens/s per GPU against tokens/s per user. */
  pareto: z.boolean(),
  /** Whether the server's prefix cache was emptied before the point; null when not attempted. */
  cacheReset: z.boolean().nullable(),
});

export const sweepSchema = z.object({
  schemaVersion: z.literal(SWEEP_SCHEMA_VERSION),
  sweepId: z.string(),
  createdAt: z.string(),
  /** False when the sweep was interrupted or a point did not finish. */
  completed: z.boolean(),
  suite: z.string(),
  model: z.object({ id: z.string(), backend: z.string(), dtype: z.string().nullable() }),
  hardware: z.object({ label: z.string().nullable(), gpu: z.string().nullable(), gpuCount: z.number().int() }),
  /** What varies between points. */
  load: z.enum(['concurrency', 'request-rate']),
  profile: z.enum(['list', 'auto']),
  slo: z.array(sloSchema).nullable(),
  /** Samples per point (--limit), stop-after seconds per point (--duration), runs per point (--repeats). */
  limit: z.number().int().nullable(),
  durationSec: z.number().nullable(),
  repeats: z.number().int(),
  gpuHourCostUsd: z.number().nullable(),
  /** Sorted by load. */
  points: z.array(sweepPointSchema),
  /** The first point from which doubling the load gains under 10% throughput while latency grows. */
  knee: loadRef.nullable(),
  maxGoodput: loadRef.extend({ goodput: z.number() }).nullable(),
  /** What the sweep wants a reader to know (auto's stopping reason, capped loads, invalid points). */
  notes: z.array(z.string()),
  /** The server the sweep started (`--serve`), or null. */
  serve: serveRecordSchema.nullable(),
});

export type Sweep = z.infer<typeof sweepSchema>;
export type SweepPoint = z.infer<typeof sweepPointSchema>;
export type SloRecord = z.infer<typeof sloSchema>;

export function sweepJsonSchema(): object {
  return z.toJSONSchema(sweepSchema, { target: 'draft-2020-12' });
}
