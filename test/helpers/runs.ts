// Fixture runs for compare and gate tests: a run directory with a results.json that passes the
// report schema and a samples.jsonl, made from per-sample scores, so a test states exactly which
// samples changed. `editRun` rewrites fields of an existing run (hardware, perf, memory…).

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getStyledSuite } from '../../suites/index.ts';
import { resultsSchema, type LoadSettings, type Perf, type Results, type SuiteResult } from '../../src/report/schema.ts';
import { bootstrapMeanCi, mean } from '../../src/run/stats.ts';
import type { SampleResult, SuiteId } from '../../src/types.ts';

export function tmpDir(prefix = 'runs-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A sample: a score (scored) or null (errored), with an optional prediction text. */
export interface FixtureSample {
  id: string;
  score: number | null;
  prediction?: string;
}

export interface FixtureSuite {
  suite: SuiteId;
  samples: FixtureSample[];
  version?: number;
  fingerprint?: string;
  perf?: Partial<Perf>;
  /** The judge that read the answers (MathVista), null or absent for none. */
  judge?: SuiteResult['judge'];
  /** Overrides of the default load (concurrency 1, unthrottled); null: a run made before loads were recorded. */
  load?: Partial<LoadSettings> | null;
  source?: SuiteResult['dataset']['source'];
}

export interface FixtureRun {
  suites: FixtureSuite[];
  runId?: string;
  model?: Partial<Results['model']>;
  gpu?: { model: string; count?: number; vramTotalMiB?: number; arch?: string } | null;
  label?: string | null;
  peakVramMiB?: number | null;
}

/** Perf with every timed figure set (a served run), overridable field by field. */
export function timedPerf(over: { outputTokensPerSec?: number | null; requestsPerSec?: number | null; ttftP50?: number; ttftP99?: number; tpotP50?: number } = {}): Perf {
  const pct = (p50: number, p99: number) => ({ mean: p50, p50, p90: (p50 + p99) / 2, p99 });
  return {
    durationSec: 60,
    timedSamples: 200,
    requestsPerSec: over.requestsPerSec === undefined ? 3.3 : over.requestsPerSec,
    outputTokensPerSec: over.outputTokensPerSec === undefined ? 1000 : over.outputTokensPerSec,
    totalTokensPerSec: 5000,
    imagesPerSec: 3.3,
    totalOutputTokens: 60_000,
    totalPromptTokens: 240_000,
    tokenSource: 'server',
    ttftMs: pct(over.ttftP50 ?? 120, over.ttftP99 ?? 400),
    tpotMs: pct(over.tpotP50 ?? 12, 30),
    itlMs: pct(12, 30),
    e2eLatencyMs: pct(900, 2500),
  };
}

/** `n` binary samples `s0…s{n-1}`, the ones listed in `correct` scoring 1. */
export function binarySamples(n: number, correct: (i: number) => boolean): FixtureSample[] {
  return Array.from({ length: n }, (_, i) => ({ id: `s${i}`, score: correct(i) ? 1 : 0 }));
}

function suiteResult(f: FixtureSuite): SuiteResult {
  const suite = getStyledSuite(f.suite);
  const scores = f.samples.flatMap((s) => (s.score === null ? [] : [s.score]));
  const errored = f.samples.length - scores.length;
  const primary = f.judge && suite.judging ? suite.judging.primaryMetric : suite.primaryMetric;
  return {
    id: f.suite,
    version: f.version ?? suite.version,
    primaryMetric: primary,
    metrics: { [primary]: { value: scores.length ? mean(scores) : null, ci95: suite.scorer.perSampleMean ? bootstrapMeanCi(scores) : null } },
    counts: { total: f.samples.length, scored: scores.length, errored, erroredByKind: { backend: errored, timeout: 0, input: 0, judge: 0 } },
    dataset: {
      source: f.source ?? 'local',
      repo: `fixture/${f.suite}`,
      config: 'default',
      split: 'test',
      revision: null,
      fingerprint: f.fingerprint ?? `sha256:${'ab'.repeat(32)}`,
      files: [{ path: 'data/test.parquet', size: 1234 }],
    },
    perf: { ...timedPerf(), ...f.perf },
    judge: f.judge ?? null,
    judgePerf: null,
    ...(f.load === null ? {} : { load: { concurrency: 1, requestRate: null, clientWorkers: null, maxTokens: suite.generation.maxTokens, promptStyle: 'lmms-eval', ...f.load } }),
  };
}

function sampleLine(suite: SuiteId, s: FixtureSample): SampleResult {
  if (s.score === null) {
    return { suite, id: s.id, state: 'errored', prediction: null, extracted: null, score: null, error: { kind: 'backend', message: 'HTTP 500' } };
  }
  const prediction = s.prediction ?? (s.score === 1 ? 'right' : 'wrong');
  return { suite, id: s.id, state: 'scored', prediction, extracted: prediction, score: s.score };
}

/** Writes results.json and samples.jsonl into `dir` (created) and returns `dir`. */
export function writeRun(dir: string, f: FixtureRun): string {
  mkdirSync(dir, { recursive: true });
  const gpu = f.gpu === undefined ? { model: 'MI300X' } : f.gpu;
  const count = gpu ? gpu.count ?? 1 : 0;
  const results: Results = {
    schemaVersion: 1,
    runId: f.runId ?? dir.split(/[\\/]/).pop()!,
    createdAt: '2025-01-01T00:00:00.000Z',
    completed: true,
    notices: [],
    harness: { version: '0.1.0', gitCommit: null },
    model: { id: 'meta-llama/Llama-3.2-11B-Vision-Instruct', backend: 'openai', dtype: 'bfloat16', ...f.model },
    hardware: {
      gpus: gpu
        ? Array.from({ length: count }, (_, index) => ({ index, vendor: 'amd' as const, name: `AMD Instinct ${gpu.model}`, model: gpu.model, arch: gpu.arch ?? 'gfx942', vramTotalMiB: gpu.vramTotalMiB ?? 196_592 }))
        : [],
      gpuCount: count,
      tool: gpu ? 'amd-smi' : null,
      software: { rocm: '6.4.1' },
      host: { cpuModel: 'AMD EPYC 9654', cpuCores: 192, memTotalMiB: 1_500_000 },
      label: f.label === undefined ? null : f.label,
      notes: [],
    },
    server: null,
    suites: f.suites.map(suiteResult),
    memory: { peakRssMiB: 900, peakVramMiB: f.peakVramMiB === undefined ? 150_000 : f.peakVramMiB, meanVramMiB: 140_000, tool: 'amd-smi', samples: 60, telemetry: null },
  };
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(resultsSchema.parse(results), null, 2)}\n`);
  const lines = f.suites.flatMap((s) => s.samples.map((x) => JSON.stringify(sampleLine(s.suite, x))));
  writeFileSync(join(dir, 'samples.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

/** Rewrites a run's results.json through `edit` (validated again). */
export function editRun(dir: string, edit: (r: Results) => void): void {
  const path = join(dir, 'results.json');
  const results = resultsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  edit(results);
  writeFileSync(path, `${JSON.stringify(resultsSchema.parse(results), null, 2)}\n`);
}

/** Rewrites a run's samples.jsonl through `edit`, line by line. */
export function editSamples(dir: string, edit: (s: SampleResult) => SampleResult): void {
  const path = join(dir, 'samples.jsonl');
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => edit(JSON.parse(l) as SampleResult));
  writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
}

/** Sets the hardware block to `count` x `model` with a label, as a run on that machine would record it. */
export function setHardware(r: Results, gpu: { model: string; count?: number; vramTotalMiB: number; arch: string }, label: string | null): void {
  const count = gpu.count ?? 1;
  r.hardware.gpus = Array.from({ length: count }, (_, index) => ({ index, vendor: 'amd' as const, name: `AMD Instinct ${gpu.model}`, model: gpu.model, arch: gpu.arch, vramTotalMiB: gpu.vramTotalMiB }));
  r.hardware.gpuCount = count;
  r.hardware.tool = 'amd-smi';
  r.hardware.label = label;
}
