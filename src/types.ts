// The one vocabulary of the harness (../shared/design.md): Sample, Suite, Request, Generation,
// Backend, Scorer, SampleResult, Report. Every stage passes these plain values along.

import type { LoopDelayStats } from './load/loop-delay.ts';
import type { Extracted, ScoreInput, Scorer } from './scorers/types.ts';

export type { Extracted, MetricId, ScoreInput, Scorer } from './scorers/types.ts';

export type SuiteId = 'vqav2' | 'mmmu' | 'chartqa' | 'docvqa' | 'coco-captions' | 'mathvista' | 'ai2d';

/**
 * Which protocol's prompts a run uses (`--prompt-style`): lmms-eval's defaults, or the prompts Meta
 * documents for the Llama 3.2 Vision model card (11B text, and the 90B text where it differs).
 */
export type PromptStyle = 'lmms-eval' | 'llama-3.2' | 'llama-3.2-90b';

/** An encoded image as stored in the dataset (the `datasets` Image struct). Decoded only when run. */
export interface ImageRef {
  bytes: Uint8Array;
  path: string | null;
  /** The dataset row holds null where this image should be: the sample errors (kind input) when run. */
  missing?: true;
}

/** An image that passed decoding and validation, ready to send to a backend. */
export interface ImageInput {
  bytes: Uint8Array;
  mime: 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';
  width: number;
  height: number;
}

export type MetaValue = string | number | boolean | null;

export interface Sample {
  id: string;
  images: ImageRef[];
  question: string;
  references: string[];
  /** Option texts for multiple-choice questions, in letter order. */
  choices?: string[];
  meta: Record<string, MetaValue>;
}

export type ContentPart = { type: 'text'; text: string } | { type: 'image'; image: ImageInput };

export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: ContentPart[];
}

export interface Request {
  sampleId: string;
  messages: Message[];
  maxTokens: number;
  /** 0 = greedy. */
  temperature: number;
  /** A prompt that bypasses the chat template; its images are the image parts of `messages`, in order. */
  rawPrompt?: string;
}

/** A suite's prompt before images are decoded: the same shape with ImageRef in place of ImageInput. */
export type PromptPart = { type: 'text'; text: string } | { type: 'image'; index: number };

export interface Prompt {
  messages: Array<{ role: Message['role']; content: PromptPart[] }>;
}

export interface GenerationTiming {
  /** Monotonic milliseconds (performance.now()) just before the request was sent. */
  startMs: number;
  /** Arrival of the first token (first choice-carrying chunk), when the backend can see it. */
  firstTokenMs?: number;
  /** Arrival of each chunk that carried output, in order. */
  chunkMs: number[];
  /** Arrival of the last output chunk. */
  endMs: number;
}

export interface Generation {
  text: string;
  promptTokens?: number;
  outputTokens: number;
  /** Where the token counts came from. */
  tokenSource: 'server' | 'tokenizer' | 'estimate' | 'none';
  /** Null when the backend cannot time a generation (replay). */
  timing: GenerationTiming | null;
  /** Set when the answer may be cut short (a stream that ended without [DONE]): it is scored, and flagged. */
  incomplete?: string;
}

export interface ModelInfo {
  id: string;
  backend: string;
  dtype: string | null;
  /** A message the CLI shows at the start and end of a run (e.g. a fallback to a tiny model). */
  notice?: string;
}

export interface Backend {
  id: string;
  /** How many images one request may carry; a sample with more is combined or errored, never cut. */
  maxImages: number;
  describe(): Promise<ModelInfo>;
  generate(request: Request, signal: AbortSignal, hooks?: GenerateHooks): Promise<Generation>;
  close?(): Promise<void>;
  /** A Prometheus endpoint of the serving engine (vLLM's /metrics), scraped around the run. */
  metricsUrl?: string;
  /** What a backend that owns the device measured itself (a torch worker): peak memory, device, versions. */
  report?(): BackendReport;
  /** The load generator of a backend that sends requests over the network (openai), for its self-check. */
  client?: LoadClient;
  /** Requests sent to each endpoint so far, and those that failed there (openai: one per --base-url). */
  endpoints?(): EndpointCount[];
}

/** One endpoint's counters: results.json `suites[].perf.endpoints`. */
export interface EndpointCount {
  /** The base URL without credentials or query. */
  baseUrl: string;
  requests: number;
  errored: number;
}

/**
 * What a backend tells its caller about a request that waits in its client for a concurrency slot
 * (LoadClient.limitInFlight): the attempt's time limit stops while it waits and starts again when
 * it is sent, so a prefetched request is never timed out before it went out.
 */
export interface GenerateHooks {
  queued?(): void;
  sent?(): void;
}

/** The threads that send requests and read responses, and how late their event loops ran. */
export interface LoadClient {
  /** Worker threads; 0 when responses are read on the main thread. */
  workers: number;
  /** Starts the measured window (after warm-up); resolves once every client thread is up. */
  resetLoopDelay(): Promise<void>;
  /** Each client thread's event-loop delay since the last reset. */
  loopDelay(): Promise<LoopDelayStats[]>;
  /**
   * Client workers that enforce `--concurrency` themselves (slot-gate.ts): at most `limit` requests
   * in flight across all of them, the rest queued in the workers; 0 lifts the limit. Absent when
   * the client cannot (the main-thread client), and the caller then limits what it sends.
   */
  limitInFlight?(limit: number): void;
}

export interface BackendReport {
  /** The device as the framework names it (`AMD Instinct MI300X` on ROCm). */
  deviceName: string | null;
  /** Framework versions: torch, transformers, hip or cuda. */
  software: Record<string, string | null>;
  /** torch.cuda.max_memory_allocated / max_memory_reserved over the run, MiB; null off the GPU. */
  peakAllocatedMiB: number | null;
  peakReservedMiB: number | null;
}

/** `judge`: the LLM judge that reads the answer failed (src/judge/); the model's response is kept. */
export type ErrorKind = 'backend' | 'timeout' | 'input' | 'judge';

export interface SampleError {
  kind: ErrorKind;
  message: string;
}

interface SampleResultBase {
  suite: SuiteId;
  id: string;
  timing?: GenerationTiming | null;
  promptTokens?: number;
  outputTokens?: number;
  tokenSource?: Generation['tokenSource'];
  /** Images sent with the request (after combining, if the backend took fewer than the sample had). */
  images?: number;
  attempts?: number;
  /** Why the answer may be incomplete (Generation.incomplete); the sample is scored as received. */
  incomplete?: string;
  /** The invocation that produced this result (run.json lists them with their durations). */
  invocation?: string;
  /** `--conversation`: the conversation this sample was asked in (the id of its first turn's sample). */
  conversation?: string;
  /** `--conversation`: which turn of its conversation this sample was, from 1. */
  turn?: number;
}

export type SampleResult =
  | (SampleResultBase & {
      state: 'scored';
      prediction: string;
      extracted: Extracted;
      score: number;
      scores?: Record<string, number>;
      fallback?: boolean;
      /** The style asked for a `FINAL ANSWER:` line and the output had none (the whole output was read). */
      noFinalAnswer?: true;
      reason?: string;
      /** Where the answer the scorer read came from, for suites that can use a judge (MathVista). */
      extraction?: { by: 'rule' | 'judge'; text: string; cached?: boolean };
    })
  | (SampleResultBase & {
      state: 'errored';
      prediction: string | null;
      extracted: null;
      score: null;
      error: SampleError;
    });

export interface DatasetSpec {
  /** Hub repo id, e.g. `lmms-lab-encoder/ChartQA` or `MMMU/MMMU`. */
  repo: string;
  config: string;
  split: string;
  /** Globs (relative to the repo root) that select the config's split files, e.g. `Math/validation-*`. */
  dataFiles: string[];
}

export interface SuiteOptions {
  /** The org that hosts lmms-eval's copies (`lmms-lab-encoder` since 2026-07-30, formerly `lmms-lab`). */
  lmmsOrg: string;
  /** MMMU subjects to evaluate. */
  subjects?: string[];
  split?: string;
}

/** A question for an LLM judge: one user message, answered greedily (src/judge/). */
export interface JudgeRequest {
  prompt: string;
  maxTokens: number;
}

/**
 * How a suite lets an LLM judge read free-form answers (MathVista's official answer extraction;
 * later, grading open answers against references). Without a judge the suite's own `extract`,
 * `scorer` and `primaryMetric` apply.
 */
export interface SuiteJudging {
  /** The headline metric when a judge took part (the suite's `primaryMetric` names the rule-only one). */
  primaryMetric: string;
  scorer: Scorer;
  /** The extraction when the suite's rules decide on their own, else the request for the judge. */
  plan(text: string, sample: Sample): { extraction: string } | { request: JudgeRequest };
  /** The extraction a judge's reply gives. */
  read(reply: string, sample: Sample): string;
}

/** What a suite's extraction read out of the output. */
export interface Extraction {
  /** The text the scorer reads. */
  answer: string;
  /**
   * Set by styles that ask for a `FINAL ANSWER:` line: true when the output had none and the whole
   * stripped output was used instead (counted as `no_final_answer`).
   */
  noFinalAnswer?: boolean;
}

/** What one prompt style sets for a suite: the prompt, how many tokens, and how the answer is read. */
export interface SuiteStyle {
  /** Bumped whenever this style's prompt, extraction or scoring changes. */
  version: number;
  prompt(sample: Sample): Prompt;
  generation: { maxTokens: number };
  extract(text: string, sample: Sample): Extraction;
  /** Replaces the suite's scoreInput when this style scores against other labels (AI2D: option numbers, not letters). */
  scoreInput?(sample: Sample, extracted: string): ScoreInput;
}

/** A suite's prompt styles: lmms-eval's is required, the others exist where the protocol defines them. */
export type SuiteStyles = { 'lmms-eval': SuiteStyle } & Partial<Record<Exclude<PromptStyle, 'lmms-eval'>, SuiteStyle>>;

/** A benchmark: where its rows come from, how a row becomes a Sample, and how it is scored. */
export interface Suite {
  id: SuiteId;
  title: string;
  datasets(options: SuiteOptions): DatasetSpec[];
  /** Maps a dataset row to a Sample; throws with the row's problem when a required column is missing. */
  toSample(row: Record<string, unknown>, dataset: DatasetSpec, index: number): Sample;
  scorer: Scorer;
  primaryMetric: string;
  scoreInput(sample: Sample, extracted: string): ScoreInput;
  /** Present when the suite's official scoring uses an LLM judge (`--judge-base-url`). */
  judging?: SuiteJudging;
  styles: SuiteStyles;
  /**
   * `--conversation`: the `meta` field whose value says which rows are about one image (DocVQA's
   * `docId`, VQAv2's `image_id`); consecutive rows with one value form a conversation. Without it,
   * consecutive rows with identical image bytes do.
   */
  conversationBy?: string;
}

/** A suite with one prompt style chosen (suites/index.ts `styledSuite`): what a run evaluates. */
export interface StyledSuite extends Omit<Suite, 'styles'>, Omit<SuiteStyle, 'scoreInput'> {
  /** The style the run asked for (`llama-3.2-90b` may be served by the suite's `llama-3.2` text). */
  promptStyle: PromptStyle;
}
