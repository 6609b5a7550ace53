// Runs one suite's samples through a backend with bounded concurrency, appending each result to
// the journal as it finishes and skipping what an earlier (resumed) run already finished.
// Nothing per sample stays in memory beyond numbers: results go to the journal, the samples (for
// final scoring) to a spill file, timings into the perf accumulator.
//
// Arrivals (--request-rate) are one seeded Poisson process owned by this loop on the main thread:
// the same send times whatever --client-workers is. Each request is handed to a client worker when
// it is due; the worker stamps the actual send on the clock all threads share, and the dispatch
// log checks that requests went out at the scheduled rate (src/load/client-check.ts).
//
// With `--conversation` the unit is a conversation (src/conversation/): `concurrency` counts
// conversations in flight, one arrival (--request-rate) starts one, and its turns run in order,
// each a sample whose request carries the turns before it.

import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { dirname, join } from 'node:path';
import pLimit from 'p-limit';
import type { PriorTurn } from '../conversation/conversation-prompt.ts';
import { conversationKey, groupConversations } from '../conversation/group-conversations.ts';
import type { ConversationSettings } from '../conversation/history-answer.ts';
import { runConversation } from '../conversation/run-conversation.ts';
import { hashSample, streamSamples, type ResolvedDataset } from '../data/dataset.ts';
import { checkClient, createDispatchLog } from '../load/client-check.ts';
import type { PerfClient } from '../report/schema.ts';
import type { Backend, Sample, SampleResult, StyledSuite } from '../types.ts';
import { journalKey, type Journal } from './journal.ts';
import { createAttemptSignals } from './attempt-signals.ts';
import { abortableSleep, prepareRequest, RunAborted, runSample, type ImageCache, type PreparedRequest } from './run-sample.ts';
import { createSampleSpill, type SampleSpill } from './sample-spill.ts';
import { seededUniform } from './stats.ts';

export type { SampleStub } from './sample-spill.ts';

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
  /** A shard's first position in the selection (`limit` is then its end); see streamSamples. */
  start?: number;
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
  /**
   * Stop sending new requests this many seconds after timing started (`--duration`); those in flight
   * finish. Samples not sent are left out of the selection, as if the data had ended there.
   */
  durationSec?: number;
  /** Ask the questions about one image as one conversation (`--conversation`). */
  conversation?: ConversationSettings;
}

export interface RunSuiteOutcome {
  /** Every sample of the suite's selection, in deterministic order, on disk (remove() when done). */
  samples: SampleSpill;
  fingerprint: string;
  /** Results this invocation produced (not resumed ones). */
  produced: number;
  /** The load generator's self-check; null for backends without one. */
  client: PerfClient | null;
  /** Wall time of this invocation's generation phase, in seconds. */
  durationSec: number;
  /** Output tokens of the scored results this invocation produced. */
  outputTokens: number;
  /** That phase on the monotonic clock (performance.now ms), for what is measured beside it (energy); null when nothing was sent. */
  window: { startMs: number; endMs: number } | null;
  interrupted: boolean;
}

/** What one arrival starts: a sample (its request prepared ahead), or a conversation's turns. */
interface Unit {
  sample: Sample;
  turns: Sample[] | null;
  /** A turn's journaled result when it finished in an earlier invocation. */
  finished: ((s: Sample) => SampleResult | undefined) | null;
  prepared: Promise<PreparedRequest> | null;
}

export async function runSuite(p: RunSuiteParams): Promise<RunSuiteOutcome> {
  const concurrency = Math.max(1, p.concurrency);
  // Client workers that enforce --concurrency themselves (slot-gate.ts) are handed requests ahead
  // of need, so a finished request's slot is refilled in its worker at once rather than after a
  // round trip through this thread's event loop. Not with --request-rate (a request goes out at its
  // scheduled time, never earlier) nor --conversation (a turn waits for the answer before it).
  const ahead = !p.requestRate && !p.conversation && p.backend.client?.limitInFlight ? aheadOfNeed(concurrency) : 0;
  p.backend.client?.limitInFlight?.(ahead > 0 ? concurrency : 0);
  const limit = pLimit(concurrency + ahead);
  // every request in flight listens to the run's signal (run-sample.ts); that many is expected
  setMaxListeners(Math.max(10, concurrency + ahead + 10), p.signal);
  const hash = createHash('sha256');
  const samples = createSampleSpill(join(dirname(p.journal.path), `.${p.suite.id}.samples.tmp`));
  // with --conversation, an arrival starts a conversation: its later turns follow their answers
  const dispatch = p.requestRate ? createDispatchLog({ requested: p.requestRate, concurrency, ...(p.conversation ? { unit: 'conversations' as const } : {}) }) : null;
  // the client threads are up (and their delay window fresh) before the clock starts
  await p.backend.client?.resetLoopDelay();
  // The serving clock runs from the first request sent to the last one finished, as vLLM's
  // `duration` does (its requests are built before its dispatch loop): reading the first row group,
  // loading the image decoder and validating the first images are data preparation, not serving
  // time. `started` is the first dispatch, the arrival schedule's origin and the clock for backends
  // that do not time their requests.
  let started: number | null = null;
  let interrupted = false;
  let warmedUp = !p.warmup;
  const uniform = seededUniform(p.seed ?? 0);
  let nextArrival = 0; // ms after `started`
  let done = 0;
  let errored = 0;
  const report = () => p.onProgress?.({ suite: p.suite.id, done, errored, total: p.total });
  // Samples taken from the stream and not yet finished: a counter and one waiter rather than a Set
  // of promises raced each time, which allocates per sample (see attempt-signals.ts for why that
  // matters over a long run).
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const drain = async () => {
    while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
  };
  let produced = 0;
  let outputTokens = 0; // of the scored results produced: what energy per token divides by
  let firstStartMs: number | null = null; // the first request sent, as the client stamped it
  let failure: unknown = null;
  const imageCache: ImageCache = new Map();
  const attemptSignals = createAttemptSignals(p.signal);

  const stream = streamSamples({
    suite: p.suite,
    datasets: p.datasets,
    ...(p.limit !== undefined ? { limit: p.limit } : {}),
    ...(p.ids ? { ids: p.ids } : {}),
    ...(p.start !== undefined ? { start: p.start } : {}),
    // no signal here: a Ctrl-C is seen between samples below, so the reader closes normally
  });
  /** Hashes and spills a sample of the selection; true when it still has to run (not finished earlier). */
  const admit = (sample: Sample): boolean => {
    hashSample(hash, sample);
    samples.add(sample);
    const previous = p.journal.status(journalKey(p.suite.id, sample.id));
    // a judge failure kept the response: the judge phase retries it, the model need not answer again
    if (previous !== null && !(p.retryErrors && previous !== 'scored' && previous !== 'judge')) {
      done++;
      if (previous !== 'scored') errored++;
      return false;
    }
    return true;
  };
  const ask = (sample: Sample, history: readonly PriorTurn[] | undefined, prepared?: PreparedRequest): Promise<SampleResult> =>
    runSample({
      suite: p.suite,
      sample,
      backend: p.backend,
      timeoutMs: p.timeoutMs,
      maxRetries: p.maxRetries,
      signal: p.signal,
      imageCache,
      rawPrompt: p.rawPrompt,
      attemptSignals,
      history,
      prepared,
    });
  const record = (result: SampleResult): void => {
    p.journal.append(result);
    produced++;
    if (result.state === 'scored') outputTokens += result.outputTokens ?? 0;
    const t = result.timing;
    if (t && (firstStartMs === null || t.startMs < firstStartMs)) firstStartMs = t.startMs;
    done++;
    if (result.state === 'errored') errored++;
    report();
  };
  const conversation = p.conversation;
  // one unit per sample, or per conversation with --conversation
  const units: AsyncIterable<{ sample: Sample } | Array<{ sample: Sample }>> = conversation
    ? groupConversations(stream, { key: ({ sample }) => conversationKey(p.suite, sample), maxTurns: conversation.maxTurns })
    : stream;
  /** Starts the request of a sample as soon as it is read; a failure surfaces when the sample runs. */
  const prepare = (sample: Sample): Promise<PreparedRequest> => {
    const prepared = prepareRequest({ suite: p.suite, sample, backend: p.backend, imageCache, rawPrompt: p.rawPrompt });
    prepared.catch(() => {});
    return prepared;
  };

  /**
   * Starts one unit: waits for its arrival time (--request-rate), then hands it to a concurrency
   * slot, and holds the loop while twice the concurrency of units are unfinished. False when the
   * run stops (Ctrl-C, a failure).
   */
  async function launch(u: Unit): Promise<boolean> {
    if (started === null) {
      started = performance.now();
    } else if (p.requestRate) {
      // exponential inter-arrival times after the first request: a Poisson process, as vLLM's
      // benchmark client sends (it yields a request, then sleeps)
      nextArrival += (-Math.log(1 - uniform()) / p.requestRate) * 1000;
      const wait = started + nextArrival - performance.now();
      if (wait > 0) {
        try {
          await abortableSleep(wait, p.signal);
        } catch {
          interrupted = true;
          return false;
        }
      }
    }
    const dueMs = started + nextArrival;
    const waitedForSlot = limit.activeCount + limit.pendingCount >= concurrency;
    inFlight++;
    limit(async () => {
      if (p.signal.aborted) return;
      dispatch?.record(dueMs, performance.now(), waitedForSlot);
      try {
        if (u.turns && u.finished) await runConversation({ suite: p.suite.id, turns: u.turns, history: conversation!.history, finished: u.finished, ask, onResult: record });
        else record(await ask(u.sample, undefined, (await u.prepared) ?? undefined));
      } catch (e) {
        if (!(e instanceof RunAborted)) throw e;
      }
    })
      .catch((e: unknown) => {
        failure ??= e;
      })
      .finally(() => {
        inFlight--;
        wake?.();
      });
    // Backpressure: keep at most twice the concurrency of decoded samples (conversations) waiting,
    // so memory stays bounded however large the split is.
    while (inFlight >= 2 * concurrency && failure === null) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    return failure === null;
  }

  /**
   * The first wave (as many units as --concurrency) is read and its requests prepared (images
   * validated, requests built) before any is sent, as vLLM's client builds its requests before its
   * dispatch loop. Otherwise reading the first row groups and validating the first images, with
   * the JIT still cold, spreads the first wave's sends over hundreds of milliseconds of the serving
   * clock, which runs from the first send (measured at 256 streams: the 256th request sent 340 ms
   * after the first; `npm run bench -- openai`). Later samples are read, and their requests
   * prepared, while the requests in flight are served.
   */
  let wave: Unit[] | null = [];
  async function launchWave(): Promise<boolean> {
    const ready = wave ?? [];
    wave = null;
    await Promise.all(ready.map((u) => u.prepared?.catch(() => undefined)));
    for (const u of ready) {
      if (p.signal.aborted) {
        interrupted = true;
        return false;
      }
      if (!(await launch(u))) return false;
    }
    return true;
  }

  for await (const unit of settleBeforeThrowing(units, drain)) {
    // --duration: a conversation under way finishes its turns; no new one starts
    if (p.durationSec !== undefined && warmedUp && started !== null && performance.now() - started >= p.durationSec * 1000) break;
    let u: Unit;
    if (Array.isArray(unit)) {
      const turns = unit.map((t) => t.sample);
      const toAsk = new Set<string>();
      for (const turn of turns) if (admit(turn)) toAsk.add(turn.id);
      if (toAsk.size === 0) continue;
      // a turn finished earlier is not asked again: its journaled answer is the history (run-conversation.ts)
      u = { sample: turns[0], turns, finished: (s) => (toAsk.has(s.id) ? undefined : p.journal.read(journalKey(p.suite.id, s.id))), prepared: null };
    } else {
      if (!admit(unit.sample)) continue;
      u = { sample: unit.sample, turns: null, finished: null, prepared: null };
    }
    if (p.signal.aborted) {
      interrupted = true;
      break;
    }
    if (!warmedUp) {
      warmedUp = true;
      for (let i = 0; i < (p.warmup ?? 0); i++) {
        // warm-up requests prime caches and compile kernels; they are neither journaled nor timed
        await runSample({ suite: p.suite, sample: u.sample, backend: p.backend, timeoutMs: p.timeoutMs, maxRetries: 0, signal: p.signal, rawPrompt: p.rawPrompt }).catch(() => undefined);
      }
      await p.backend.client?.resetLoopDelay();
    }
    if (!u.turns) u.prepared = prepare(u.sample);
    if (wave) {
      wave.push(u);
      if (wave.length < concurrency) continue;
      if (!(await launchWave())) break;
      continue;
    }
    if (!(await launch(u))) break;
  }
  // a selection smaller than the first wave
  if (wave?.length && !interrupted && failure === null) {
    if (p.signal.aborted) interrupted = true;
    else await launchWave();
  }
  await drain();
  attemptSignals.dispose();
  if (failure !== null) throw failure;
  const from = firstStartMs ?? started;
  const ended = performance.now();
  const durationSec = from === null ? 0 : (ended - from) / 1000;
  if (p.signal.aborted) interrupted = true;
  report();
  const client = p.backend.client
    ? checkClient({ workers: p.backend.client.workers, loopDelays: await p.backend.client.loopDelay(), dispatch: dispatch?.summary() ?? null })
    : null;
  return {
    samples,
    fingerprint: `sha256:${hash.digest('hex')}`,
    produced,
    outputTokens,
    client,
    durationSec,
    window: from === null ? null : { startMs: from, endMs: ended },
    interrupted,
  };
}

/**
 * Requests queued in the client workers beyond --concurrency: enough to cover the main thread's
 * pauses (young-generation collections, journal writes: 15-35 ms now and then at hundreds of
 * streams) at the rate that many streams finish, yet few enough that a Ctrl-C leaves little unsent.
 */
export function aheadOfNeed(concurrency: number): number {
  return Math.ceil(concurrency / 4);
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
