// results.json: the one machine-readable record of a run. The zod schema is the contract; its
// JSON Schema is exported to reports/results.schema.json (`npm run schema`) for other tools.
// Later capabilities add blocks (server, telemetry) without breaking the paths listed here.

import { z } from 'zod';
import { PROMPT_STYLES } from '../prompt-style/styles.ts';
import type { PromptStyle } from '../types.ts';
import { energySchema } from '../telemetry/energy-schema.ts';
import { hardwareSchema } from '../telemetry/hardware-schema.ts';
import { serveRecordSchema } from '../serve/serve-schema.ts';
import { telemetrySummarySchema } from '../telemetry/telemetry-summary-schema.ts';

export const RESULTS_SCHEMA_VERSION = 1;

const pctl = z.object({ mean: z.number(), p50: z.number(), p90: z.number(), p99: z.number() }).nullable();

const metricValue = z.object({
  value: z.number().nullable(),
  /** 95% interval: seeded percentile bootstrap over samples; null for corpus metrics. */
  ci95: z.tuple([z.number(), z.number()]).nullable(),
});

/** The load a suite was measured under; performance is only compared between equal loads. */
export const loadSchema = z.object({
  concurrency: z.number().int(),
  /** Poisson arrivals per second; null: all requests at once, capped by the concurrency. */
  requestRate: z.number().nullable(),
  /** Client worker threads of the openai backend; null when it has none. */
  clientWorkers: z.number().int().nullable(),
  /** Output tokens asked for per request. */
  maxTokens: z.number().int(),
  promptStyle: z.string(),
  /** `--conversation`: several requests per image, each carrying the history (absent: one question per request). */
  conversation: z.object({ history: z.enum(['model', 'gold']), maxTurns: z.number().int() }).optional(),
});

const p50p99 = z.object({ p50: z.number(), p99: z.number() }).nullable();

/** One turn index of `--conversation` runs (src/conversation/turn-perf.ts). Other tools read `turn` and `ttftMs`. */
export const turnPerfSchema = z.object({
  turn: z.number().int(),
  /** Timed requests of this turn that succeeded. */
  requests: z.number().int(),
  ttftMs: p50p99,
  e2eLatencyMs: p50p99,
  /** Mean prompt tokens of those requests (they grow with the history); null when none reported them. */
  promptTokensMean: z.number().nullable(),
});

/** One endpoint's counters (src/backends/endpoint-pool.ts). */
export const endpointCountSchema = z.object({ baseUrl: z.string(), requests: z.number().int(), errored: z.number().int() });

/** The load generator's self-check (src/load/client-check.ts). */
export const perfClientSchema = z.object({
  /** Worker threads that sent the requests and read the streams; 0 when the main thread did. */
  workers: z.number().int(),
  /** The highest 99th-percentile event-loop delay among the client threads, in ms; null when not measured. */
  loopDelayP99Ms: z.number().nullable(),
  /** The client could not keep up: its latency figures are not trustworthy. */
  saturated: z.boolean(),
  /** Why it is saturated, or why the requested rate was not reached; null when neither. */
  reason: z.string().nullable(),
  /** With --request-rate: the rate asked for and the rate the requests actually went out at. */
  requestRate: z
    .object({ requested: z.number(), achieved: z.number().nullable(), cappedByConcurrency: z.boolean() })
    .nullable(),
});

const basePerfSchema = z.object({
  durationSec: z.number(),
  /** Timed samples of the suite in samples.jsonl, whichever invocation generated them; durationSec is the time those invocations were generating (the union of their intervals). */
  timedSamples: z.number().int(),
  requestsPerSec: z.number().nullable(),
  outputTokensPerSec: z.number().nullable(),
  totalTokensPerSec: z.number().nullable(),
  imagesPerSec: z.number().nullable(),
  totalOutputTokens: z.number().int(),
  totalPromptTokens: z.number().int().nullable(),
  tokenSource: z.enum(['server', 'tokenizer', 'estimate', 'none', 'mixed']),
  ttftMs: pctl,
  tpotMs: pctl,
  itlMs: pctl,
  e2eLatencyMs: pctl,
  /** Invocations (the run and its resumes) whose samples these figures come from. */
  invocations: z.number().int().optional(),
  /** Set when those invocations ran under different load settings: compare these figures with nothing. */
  mixedLoad: z.boolean().optional(),
  /** Null for backends that send no requests over the network (onnx, transformers, replay); absent in older runs. */
  client: perfClientSchema.nullable().optional(),
  /** `--conversation` runs: latency by turn index, one entry per turn. */
  byTurn: z.array(turnPerfSchema).optional(),
  /**
   * The openai backend's endpoints (one per --base-url, in order): the requests sent to each, a
   * request sent again elsewhere counted at each, and those that failed there. The URL is shown
   * without credentials or query. Absent for backends without endpoints.
   */
  endpoints: z.array(endpointCountSchema).optional(),
});

/** How a `--conversation` run asked its questions: several per image, in one conversation. */
export const conversationSchema = z.object({
  /** `--history`: the model's own answers, or reference answers, in the later turns' history. */
  history: z.enum(['model', 'gold']),
  /** `--max-turns`. */
  maxTurns: z.number().int(),
  /** Conversations among the finished samples. */
  conversations: z.number().int(),
  /** Samples asked as each turn, and how many of them were scored. */
  turns: z.array(z.object({ turn: z.number().int(), samples: z.number().int(), scored: z.number().int(), errored: z.number().int() })),
});

/** One shard's own figures in a merged run (its results.json perf), kept beside the merged ones. */
export const shardPerfSchema = basePerfSchema.extend({ shard: z.number().int() });

export const perfSchema = basePerfSchema.extend({
  /**
   * A merged run's shards, each with its own figures (`vlm-harness merge`). The merged figures pool
   * every shard's timed requests; durationSec is the union of the shards' active intervals.
   */
  shards: z.array(shardPerfSchema).optional(),
});

/** Which shard of a sharded run a run directory holds (`eval --shard`): its results cover only that part. */
export const shardOfSchema = z.object({ index: z.number().int().min(0), count: z.number().int().min(1) });

/** How a merged run was put together (`vlm-harness merge`). */
export const mergeSchema = z.object({
  /** The shard count of the sharded run. */
  shards: z.number().int().min(1),
  /** Shards merged, by index. */
  merged: z.array(z.number().int()),
  /** Shards left out (`--allow-partial`); not empty means partial. */
  missing: z.array(z.number().int()),
  /** True when shards are missing: the results cover only part of the selection, and `gate` refuses them. */
  partial: z.boolean(),
  sources: z.array(
    z.object({
      index: z.number().int(),
      runId: z.string(),
      /** Hosts its invocations ran on (run.json). */
      hosts: z.array(z.string()),
      samples: z.number().int(),
      samplesSha256: z.string(),
      /**
       * The shard's own energy as its results.json reported it (its GPUs over its generation
       * windows), or null when it measured none; absent in merges made before energy was merged.
       */
      energy: energySchema.nullable().optional(),
    }),
  ),
});

/** The model card's number for a suite run under `--preset`, and where this run lands against it. */
export const cardSchema = z.object({
  preset: z.string(),
  title: z.string(),
  metric: z.string(),
  /** The card's number, in the metric's own scale (accuracy 0..1). */
  value: z.number(),
  /** The split the card reports on. */
  split: z.string(),
  /** This run's value minus the card's; null when nothing was scored. */
  delta: z.number().nullable(),
  /** Whether the card's number lies inside this run's 95% interval; null without an interval. */
  inCi95: z.boolean().nullable(),
  /** False when the run evaluated fewer samples than the full split (--limit, --ids, an interrupted run). */
  fullRun: z.boolean(),
  note: z.string().optional(),
});

export const suiteResultSchema = z.object({
  id: z.string(),
  /** The version of the suite's prompt style that ran (prompts, extraction and scoring). */
  version: z.number().int(),
  /** Whose prompts were sent (`--prompt-style`); absent in runs made before prompt styles existed, which were lmms-eval. */
  promptStyle: z.enum(PROMPT_STYLES as readonly PromptStyle[] as [PromptStyle, ...PromptStyle[]]).optional(),
  primaryMetric: z.string(),
  metrics: z.record(z.string(), metricValue),
  counts: z.object({
    total: z.number().int(),
    scored: z.number().int(),
    errored: z.number().int(),
    erroredByKind: z.object({
      backend: z.number().int(),
      timeout: z.number().int(),
      input: z.number().int(),
      /** The LLM judge failed on the sample's response (runs before judges existed have none). */
      judge: z.number().int().default(0),
    }),
    /** Why samples errored: kind and message (sample id and attempt count taken out), most frequent first, at most 20. */
    errorReasons: z.array(z.object({ kind: z.enum(['backend', 'timeout', 'input', 'judge']), reason: z.string(), count: z.number().int() })).optional(),
    /** Reasons beyond those 20 and the samples they account for. */
    otherErrorReasons: z.object({ reasons: z.number().int(), samples: z.number().int() }).optional(),
    /** Scored samples whose answer may be cut short (a stream that ended without [DONE] or a finish_reason). */
    incomplete: z.number().int().optional(),
  }),
  dataset: z.object({
    source: z.enum(['hub', 'cache', 'sample', 'local']),
    repo: z.string(),
    config: z.string(),
    split: z.string(),
    revision: z.string().nullable(),
    fingerprint: z.string(),
    files: z.array(z.object({ path: z.string(), size: z.number(), sha256: z.string().optional() })),
  }),
  perf: perfSchema,
  /**
   * The LLM judge that read this suite's answers (MathVista's extraction), or null: its model, its
   * base URL without credentials, the HTTP requests this invocation sent it and the answers the
   * cache gave. Runs from before judges existed have none, which means null.
   */
  judge: z
    .object({ model: z.string(), baseUrl: z.string(), calls: z.number().int(), cacheHits: z.number().int() })
    .nullable()
    .default(null),
  /** What the judge cost, apart from the evaluated model's perf: tokens, latency, time, failures. */
  judgePerf: z
    .object({
      /** Samples whose answer needed the judge (the others were decided by the suite's rules). */
      requests: z.number().int(),
      errors: z.number().int(),
      promptTokens: z.number().int(),
      outputTokens: z.number().int(),
      durationSec: z.number(),
      latencyMs: pctl,
    })
    .nullable()
    .default(null),
  card: cardSchema.optional(),
  /** The load the perf figures were measured under (absent in runs made before it was recorded). */
  load: loadSchema.optional(),
  /** Present when the suite ran as conversations (`--conversation`); metrics then include `<metric>_turn_<k>`. */
  conversation: conversationSchema.optional(),
});

export const resultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  runId: z.string(),
  createdAt: z.string(),
  completed: z.boolean(),
  notices: z.array(z.string()),
  harness: z.object({ version: z.string(), gitCommit: z.string().nullable() }),
  model: z.object({ id: z.string(), backend: z.string(), dtype: z.string().nullable() }),
  hardware: hardwareSchema,
  /** What the serving engine's own /metrics said over the run (vLLM); null when it exposes none. */
  server: z
    .object({
      generationTokensPerSec: z.number().nullable(),
      kvCacheUsagePeak: z.number().nullable(),
      preemptions: z.number().nullable(),
      cacheConfig: z.record(z.string(), z.string()).nullable(),
      scrapes: z.number().int(),
    })
    .nullable(),
  suites: z.array(suiteResultSchema),
  /**
   * GPU energy over the suites' generation windows, all GPUs together and per GPU; null when no power
   * was read (the reason is in hardware.notes); absent in runs made before power was polled.
   */
  energy: energySchema.nullable().optional(),
  /** The inference server this run started and stopped itself (`--serve`); absent otherwise. */
  serve: serveRecordSchema.optional(),
  /** Set in a shard's own run directory: these results are one part of a sharded run (merge them). */
  shard: shardOfSchema.optional(),
  /** Set in a merged run directory. */
  merge: mergeSchema.optional(),
  memory: z.object({
    peakRssMiB: z.number().nullable(),
    /** VRAM used on the selected GPUs, summed per poll (includes what a server pre-allocated). */
    peakVramMiB: z.number().nullable(),
    meanVramMiB: z.number().nullable(),
    /** The GPU tool that was polled, and how many polls read every selected GPU. */
    tool: z.string().nullable(),
    samples: z.number().int(),
    telemetry: telemetrySummarySchema.nullable(),
    /** Measured by the backend itself (torch.cuda.max_memory_*), when it owns the device. */
    backend: z
      .object({
        deviceName: z.string().nullable(),
        software: z.record(z.string(), z.string().nullable()),
        peakAllocatedMiB: z.number().nullable(),
        peakReservedMiB: z.number().nullable(),
      })
      .nullable()
      .optional(),
  }),
});

export type Results = z.infer<typeof resultsSchema>;
export type SuiteResult = z.infer<typeof suiteResultSchema>;
export type CardResult = z.infer<typeof cardSchema>;
export type Perf = z.infer<typeof perfSchema>;
export type ShardPerf = z.infer<typeof shardPerfSchema>;
export type MergeInfo = z.infer<typeof mergeSchema>;
export type LoadSettings = z.infer<typeof loadSchema>;
export type PerfClient = z.infer<typeof perfClientSchema>;
export type ConversationResult = z.infer<typeof conversationSchema>;
export type TurnPerf = z.infer<typeof turnPerfSchema>;

export function resultsJsonSchema(): object {
  return z.toJSONSchema(resultsSchema, { target: 'draft-2020-12' });
}
