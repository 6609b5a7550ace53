// One sample through the pipeline: decode images, build the Request, call the backend with a
// timeout and bounded retries, extract, score. Every failure becomes an `errored` SampleResult
// with its kind (design.md example 5): nothing is scored as a wrong answer, nothing is dropped.

import { createHash } from 'node:crypto';
import { BackendError } from '../backends/backend-error.ts';
import { conversationPrompt, type PriorTurn } from '../conversation/conversation-prompt.ts';
import { combineImages, decodeImage } from '../data/image.ts';
import { llama3RawPrompt } from '../prompt-style/llama3-dialog.ts';
import type { Backend, ContentPart, ErrorKind, GenerateHooks, Generation, ImageInput, Request, Sample, SampleResult, StyledSuite } from '../types.ts';
import { createAttemptSignals, type AttemptSignals } from './attempt-signals.ts';

export interface RunSampleParams {
  suite: StyledSuite;
  sample: Sample;
  backend: Backend;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  maxRetries: number;
  /** Aborted when the whole run stops (Ctrl-C): the sample is then left unfinished, not errored. */
  signal: AbortSignal;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Validation results by image content, shared across a suite's samples (see validatedImage). */
  imageCache?: ImageCache;
  /** Send the prompt past the chat template in the Llama 3 dialog format (`--raw-prompt`). */
  rawPrompt?: boolean;
  /** Attempt signals shared across a suite's samples (attempt-signals.ts); one pool per call otherwise. */
  attemptSignals?: AttemptSignals;
  /** `--conversation`: the turns before this one; the request then carries them and the first turn's image. */
  history?: readonly PriorTurn[];
  /** The sample's request (or its input error), already prepared by prepareRequest. */
  prepared?: PreparedRequest;
}

/** A sample's request, or the errored result of a sample whose request cannot be built (a bad image). */
export type PreparedRequest = { request: Request } | { errored: SampleResult };

/** Images already validated, by a hash of their bytes: type and size, oldest first (a small LRU). */
export type ImageCache = Map<string, Omit<ImageInput, 'bytes'>>;
const IMAGE_CACHE_SIZE = 4096;
/** Validation results by byte array: lives only as long as the arrays (a row group's images). */
const validatedBytes = new WeakMap<Uint8Array, Omit<ImageInput, 'bytes'>>();

/**
 * Validates an image once per distinct content: datasets repeat images across questions (VQAv2
 * asks 5.3 questions per image, DocVQA about 4 per page), and a full decode costs milliseconds
 * (`npm run bench -- openai`). Hashing the bytes costs microseconds.
 */
async function validatedImage(ref: Sample['images'][number], label: string, cache: ImageCache | undefined): Promise<ImageInput> {
  if (!cache) return decodeImage(ref, { label });
  // The parquet reader hands out one byte array per distinct image of a row group, so the
  // questions of one image (adjacent in VQAv2) are recognised without hashing 100+ KB again.
  const known = validatedBytes.get(ref.bytes);
  if (known) return { bytes: ref.bytes, ...known };
  const key = createHash('sha1').update(ref.bytes).digest('base64');
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    validatedBytes.set(ref.bytes, hit);
    return { bytes: ref.bytes, ...hit };
  }
  const img = await decodeImage(ref, { label });
  const meta = { mime: img.mime, width: img.width, height: img.height };
  cache.set(key, meta);
  validatedBytes.set(ref.bytes, meta);
  if (cache.size > IMAGE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return img;
}

export class RunAborted extends Error {
  override name = 'RunAborted';
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new RunAborted('run aborted'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RunAborted('run aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with full jitter, honouring a server's Retry-After when it gives one. */
export function backoffMs(attempt: number, retryAfterMs: number | undefined, random: () => number): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, 60_000);
  const cap = Math.min(500 * 2 ** attempt, 30_000);
  return cap / 2 + random() * (cap / 2);
}

async function buildRequest(p: Pick<RunSampleParams, 'suite' | 'sample' | 'backend' | 'imageCache' | 'rawPrompt' | 'history'>): Promise<Request> {
  const { suite, sample, backend } = p;
  const history = p.history ?? [];
  // in a conversation the image is the first turn's, given once (conversation-prompt.ts)
  const imageSample = history.length > 0 ? history[0].sample : sample;
  const decoded: ImageInput[] = [];
  for (let i = 0; i < imageSample.images.length; i++) {
    try {
      decoded.push(await validatedImage(imageSample.images[i], `image ${i + 1}`, p.imageCache));
    } catch (e) {
      throw new BackendError((e as Error).message, { kind: 'input', retryable: false });
    }
  }
  let images = decoded;
  let combined = false;
  if (decoded.length > backend.maxImages) {
    if (backend.maxImages < 1) {
      throw new BackendError(`the sample has ${decoded.length} image(s) but backend '${backend.id}' accepts none`, { kind: 'input', retryable: false });
    }
    // Never drop an image: tile them into one when the backend takes fewer than the sample has.
    images = [await combineImages(decoded)];
    combined = true;
  }
  const prompt = history.length > 0 ? conversationPrompt(suite, history, sample) : suite.prompt(sample);
  let firstImageSeen = false;
  const messages = prompt.messages.map((m) => ({
    role: m.role,
    content: m.content.flatMap((p): ContentPart[] => {
      if (p.type === 'text') return [p];
      if (!combined) return [{ type: 'image', image: images[p.index] }];
      if (firstImageSeen) return [];
      firstImageSeen = true;
      return [{ type: 'image', image: images[0] }];
    }),
  }));
  // The raw prompt is rendered from the final parts, so a tiled image is one `<|image|>`.
  return {
    sampleId: sample.id,
    messages,
    maxTokens: suite.generation.maxTokens,
    temperature: 0,
    ...(p.rawPrompt ? { rawPrompt: llama3RawPrompt(messages) } : {}),
  };
}

function errored(suite: StyledSuite, sample: Sample, kind: ErrorKind, message: string, attempts: number): SampleResult {
  return { suite: suite.id, id: sample.id, state: 'errored', prediction: null, extracted: null, score: null, error: { kind, message }, attempts };
}

/** Scores one sample on its own; corpus-aware scores are recomputed when the run is finalised. */
export function scoreOne(suite: StyledSuite, sample: Sample, prediction: string, gen: Generation | null, attempts: number): SampleResult {
  const extraction = suite.extract(prediction, sample);
  const scored = suite.scorer.scoreSet([suite.scoreInput(sample, extraction.answer)]).samples[0];
  return {
    suite: suite.id,
    id: sample.id,
    state: 'scored',
    prediction,
    extracted: scored.extracted,
    score: scored.score,
    ...(scored.scores ? { scores: scored.scores } : {}),
    ...(scored.fallback !== undefined ? { fallback: scored.fallback } : {}),
    ...(extraction.noFinalAnswer ? { noFinalAnswer: true as const } : {}),
    reason: scored.reason,
    ...(gen
      ? {
          timing: gen.timing,
          outputTokens: gen.outputTokens,
          ...(gen.promptTokens !== undefined ? { promptTokens: gen.promptTokens } : {}),
          tokenSource: gen.tokenSource,
          ...(gen.incomplete ? { incomplete: gen.incomplete } : {}),
        }
      : {}),
    attempts,
  };
}

/** Validates the sample's images and builds its request: everything before the backend is called. */
export async function prepareRequest(p: Pick<RunSampleParams, 'suite' | 'sample' | 'backend' | 'imageCache' | 'rawPrompt' | 'history'>): Promise<PreparedRequest> {
  try {
    return { request: await buildRequest(p) };
  } catch (e) {
    if (e instanceof BackendError) return { errored: errored(p.suite, p.sample, e.kind, e.message, 0) };
    throw e;
  }
}

export async function runSample(p: RunSampleParams): Promise<SampleResult> {
  const prepared = p.prepared ?? (await prepareRequest(p));
  if ('errored' in prepared) return prepared.errored;
  const request = prepared.request;
  const signals = p.attemptSignals ?? createAttemptSignals(p.signal);
  try {
    return await attempts(p, request, signals);
  } finally {
    if (!p.attemptSignals) signals.dispose();
  }
}

async function attempts(p: RunSampleParams, request: Request, signals: AttemptSignals): Promise<SampleResult> {
  const { suite, sample, backend } = p;
  const sleep = p.sleep ?? abortableSleep;
  const random = p.random ?? Math.random;
  let attempt = 0;
  for (;;) {
    if (p.signal.aborted) throw new RunAborted('run aborted');
    attempt++;
    // One signal per attempt, aborted by the run's signal or the timeout. (AbortSignal.any and
    // AbortSignal.timeout cost a measurable share of a request at high concurrency on Node 20.)
    const attemptController = signals.take();
    let timedOut = false;
    const onTimeout = () => {
      timedOut = true;
      attemptController.abort(new DOMException(`no response within ${p.timeoutMs} ms`, 'TimeoutError'));
    };
    let timer = setTimeout(onTimeout, p.timeoutMs);
    // A request that waits in the client for a concurrency slot (client workers that enforce
    // --concurrency themselves, slot-gate.ts) is timed from when it goes out, not while it waits.
    const hooks: GenerateHooks = {
      queued: () => clearTimeout(timer),
      sent: () => {
        clearTimeout(timer);
        timer = setTimeout(onTimeout, p.timeoutMs);
      },
    };
    const signal = attemptController.signal;
    try {
      const gen = await backend.generate(request, signal, hooks);
      const images = request.messages.reduce((n, m) => n + m.content.filter((c) => c.type === 'image').length, 0);
      // Object.assign, not a spread: see sample-spill.ts on spreads in hot paths
      return Object.assign(scoreOne(suite, sample, gen.text, gen, attempt), { images });
    } catch (e) {
      if (p.signal.aborted) throw new RunAborted('run aborted');
      if (timedOut) {
        return errored(suite, sample, 'timeout', `no complete response within ${p.timeoutMs / 1000} s (attempt ${attempt})`, attempt);
      }
      const be = e instanceof BackendError ? e : null;
      if (be?.retryable && attempt <= p.maxRetries) {
        await sleep(backoffMs(attempt - 1, be.retryAfterMs, random), p.signal);
        continue;
      }
      const message = e instanceof Error ? e.message : String(e);
      const suffix = be?.retryable ? ` (gave up after ${attempt} attempts)` : '';
      return errored(suite, sample, be?.kind ?? 'backend', `${message}${suffix}`, attempt);
    } finally {
      clearTimeout(timer);
      signals.give(attemptController);
    }
  }
}
