// Runs one suite's samples through a backend with bounded concurrency, appending each result to
// the journal as it finishes and skipping what an earlier (resumed) run already finished.

import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { hashSample, streamSamples, type ResolvedDataset } from '../data/dataset.ts';
import type { Backend, Sample, SampleResult, StyledSuite } from '../types.ts';
import { journalKey, type Journal } from './journal.ts';
import { abortableSleep, RunAborted, runSample, type ImageCache } from './run-sample.ts';
import { seededUniform } from './stats.ts';

export interface SuiteProgress {
  suite: string;
  /** Samples finished (this run and earlier ones). */
  done: number;
  errored: number;
  /** Known total (sum of the files' row counts, capped by --limit), or null while unknown. */
  total: number | null;
}

export interface RunSuiteParams {
  suite: StyledSuite;
  datasets: readonly ResolvedDataset[];
  backend: Backend;
  journal: Journal;
  concurrency: number;
  timeoutMs: number;
  maxRetries: number;
  limit?: number;
  ids?: ReadonlySet<string>;
  retryErrors: boolean;
  total: number | null;
  signal: AbortSignal;
  onProgress?: (p: SuiteProgress) => void;
  /** Poisson arrivals at this many requests per second (vLLM's --request-rate); unthrottled when absent. */
  requestRate?: number;
  /** Requests sent with the first sample before timing starts; their results are discarded. */
  warmup?: number;
  /** Seed of the arrival process, so a stated load is the same load on every run. */
  seed?: number;
  /** Send Llama 3 dialog prompts past the chat template (`--raw-prompt`). */
  rawPrompt?: boolean;
}

/** A sample without its image bytes: what finalisation needs to score it again. */
export type SampleStub = Omit<Sample, 'images'> & { imageCount: number };

export interface RunSuiteOutcome {
  /** Every sample of the suite's selection, in deterministic order. */
  samples: SampleStub[];
  fingerprint: string;
  /** Results produced by this invocation (not resumed ones). */
  produced: SampleResult[];
  /** Wall time of this invocation's generation phase, in seconds. */
  durationSec: number;
  interrupted: boolean;
}

export async function runSuite(p: RunSuiteParams): Promise<RunSuiteOutcome> {
  const limit = pLimit(Math.max(1, p.concurrency));
  // every request in flight listens to the run's signal (run-sample.ts); that many is expected
  setMaxListeners(Math.max(10, p.concurrency + 10), p.signal);
  const hash = createHash('sha256');
  const samples: SampleStub[] = [];
  const produced: SampleResult[] = [];
  let started = performance.now();
  let interrupted = false;
  let warmedUp = !p.warmup;
  const uniform = seededUniform(p.seed ?? 0);
  let nextArrival = 0; // ms after `started`
  let done = 0;
  let errored = 0;
  const report = () => p.onProgress?.({ suite: p.suite.id, done, errored, total: p.total });
  const inFlight = new Set<Promise<void>>();
  const imageCache: ImageCache = new Map();

  const stream = streamSamples({
    suite: p.suite,
    datasets: p.datasets,
    ...(p.limit !== undefined ? { limit: p.limit } : {}),
    ...(p.ids ? { ids: p.ids } : {}),
    // no signal here: a Ctrl-C is seen between samples below, so the reader closes normally
  });
  for await (const { sample } of settleBeforeThrowing(stream, () => Promise.allSettled(inFlight))) {
    hashSample(hash, sample);
    const { images, ...rest } = sample;
    samples.push({ ...rest, imageCount: images.length });
    const previous = p.journal.results.get(journalKey(p.suite.id, sample.id));
    // a judge failure kept the response: the judge phase retries it, the model need not answer again
    if (previous && !(p.retryErrors && previous.state === 'errored' && previous.error.kind !== 'judge')) {
      done++;
      if (previous.state === 'errored') errored++;
      continue;
    }
    if (p.signal.aborted) {
      interrupted = true;
      break;
    }
    if (!warmedUp) {
      warmedUp = true;
      for (let i = 0; i < (p.warmup ?? 0); i++) {
        // warm-up requests prime caches and compile kernels; they are neither journaled nor timed
        await runSample({ suite: p.suite, sample, backend: p.backend, timeoutMs: p.timeoutMs, maxRetries: 0, signal: p.signal, rawPrompt: p.rawPrompt }).catch(() => undefined);
      }
      started = performance.now();
    }
    if (p.requestRate) {
      // exponential inter-arrival times: a Poisson process, as vLLM's benchmark client sends
      nextArrival += (-Math.log(1 - uniform()) / p.requestRate) * 1000;
      const wait = started + nextArrival - performance.now();
      if (wait > 0) {
        try {
          await abortableSleep(wait, p.signal);
        } catch {
          interrupted = true;
          break;
        }
      }
    }
    const task = limit(async () => {
      if (p.signal.aborted) return;
      try {
        const result = await runSample({
          suite: p.suite,
          sample,
          backend: p.backend,
          timeoutMs: p.timeoutMs,
          maxRetries: p.maxRetries,
          signal: p.signal,
          imageCache,
          rawPrompt: p.rawPrompt,
        });
        p.journal.append(result);
        produced.push(result);
        done++;
        if (result.state === 'errored') errored++;
        report();
      } catch (e) {
        if (!(e instanceof RunAborted)) throw e;
      }
    });
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    // Backpressure: keep at most twice the concurrency of decoded samples waiting, so memory stays
    // bounded however large the split is.
    while (inFlight.size >= 2 * Math.max(1, p.concurrency)) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (p.signal.aborted) interrupted = true;
  report();
  return {
    samples,
    fingerprint: `sha256:${hash.digest('hex')}`,
    produced,
    durationSec: (performance.now() - started) / 1000,
    interrupted,
  };
}

/**
 * Passes the samples through; when reading them fails part-way (a bad row), first waits for the
 * requests in flight to finish into the journal, since the run closes the journal and the backend
 * as soon as the error reaches it.
 */
async function* settleBeforeThrowing<T>(source: AsyncIterable<T>, settle: () => Promise<unknown>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (e) {
    await settle();
    throw e;
  }
}
