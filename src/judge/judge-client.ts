// An LLM judge on any OpenAI-compatible endpoint (vLLM, SGLang, llama.cpp, OpenAI): one user
// message, temperature 0, at most `concurrency` requests in flight, a time limit per attempt,
// retries with backoff on transient failures (429, 5xx, dropped connections, timeouts), and the
// persistent cache in front (judge-cache.ts). The HTTP side is the openai backend itself (its
// streaming client, error mapping and key redaction); this adds what a grader needs around it.
// `grade` is generic: a suite builds the prompt (MathVista's extraction prompt) and reads the reply.

import pLimit from 'p-limit';
import { displayUrl } from '../backends/http-errors.ts';
import { isRetryable } from '../backends/backend-error.ts';
import { createOpenAiBackend } from '../backends/openai.ts';
import { UserError } from '../errors.ts';
import { abortableSleep, backoffMs, RunAborted } from '../run/run-sample.ts';
import type { JudgeRequest, Message } from '../types.ts';
import { judgeCacheKey, promptSha256, type JudgeCache } from './judge-cache.ts';

export interface JudgeOptions {
  /** The API root, e.g. `http://127.0.0.1:8001/v1`. */
  baseUrl: string;
  /** Served model name; when absent, the first one GET {baseUrl}/models lists. */
  model?: string;
  apiKey?: string;
  concurrency: number;
  /** Time limit of one attempt, ms. */
  timeoutMs: number;
  /** Retries of a transient failure before the grade fails. */
  maxRetries: number;
  cache: JudgeCache;
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface JudgeIdentity {
  model: string;
  /** The base URL without credentials, query or fragment: what reports may show. */
  baseUrl: string;
}

export interface JudgeAnswer {
  reply: string;
  cached: boolean;
  /** HTTP requests this answer took: 0 from the cache, more than 1 after retries. */
  calls: number;
  promptTokens: number | null;
  outputTokens: number | null;
  /** From sending the request to the reply's last chunk, ms; null from the cache. */
  latencyMs: number | null;
}

/** A grade that failed for good: the sample it was for is errored with kind `judge`. */
export class JudgeError extends Error {
  override name = 'JudgeError';
  constructor(
    message: string,
    readonly calls: number,
  ) {
    super(message);
  }
}

export interface Judge {
  identity(): Promise<JudgeIdentity>;
  grade(request: JudgeRequest, signal: AbortSignal): Promise<JudgeAnswer>;
}

export function createJudge(options: JudgeOptions): Judge {
  const client = createOpenAiBackend({
    baseUrl: options.baseUrl,
    ...(options.model ? { model: options.model } : {}),
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const shownUrl = displayUrl(options.baseUrl.replace(/\/+$/, ''));
  const limit = pLimit(Math.max(1, options.concurrency));
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  let identity: Promise<JudgeIdentity> | undefined;

  function resolveIdentity(): Promise<JudgeIdentity> {
    identity ??= client.describe().then(
      (info) => ({ model: info.id, baseUrl: shownUrl }),
      (e: unknown) => {
        identity = undefined; // a later call may find the server up
        // the backend's message names its own flags; say which server and which flags are meant
        if (e instanceof UserError) {
          throw new UserError(`The judge: ${e.message.replace('--base-url', '--judge-base-url').replace('--model.', '--judge-model.')}`, e.exitCode);
        }
        throw e;
      },
    );
    return identity;
  }

  async function ask(messages: Message[], request: JudgeRequest, key: string, model: string, signal: AbortSignal): Promise<JudgeAnswer> {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw new RunAborted('run aborted');
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new DOMException(`no reply within ${options.timeoutMs} ms`, 'TimeoutError'));
      }, options.timeoutMs);
      const onAbort = () => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const gen = await client.generate({ sampleId: 'judge', messages, maxTokens: request.maxTokens, temperature: 0 }, controller.signal);
        const answer: JudgeAnswer = {
          reply: gen.text,
          cached: false,
          calls: attempt + 1,
          promptTokens: gen.promptTokens ?? null,
          outputTokens: gen.tokenSource === 'server' ? gen.outputTokens : null,
          latencyMs: gen.timing ? gen.timing.endMs - gen.timing.startMs : null,
        };
        options.cache.put({
          key,
          model,
          sampling: { temperature: 0, maxTokens: request.maxTokens },
          promptSha256: promptSha256(messages),
          prompt: request.prompt,
          reply: answer.reply,
          promptTokens: answer.promptTokens,
          outputTokens: answer.outputTokens,
        });
        return answer;
      } catch (e) {
        if (signal.aborted) throw new RunAborted('run aborted');
        // unlike the evaluated model's, a judge's timeout is transient: the same prompt is tried again
        const retryable = timedOut || isRetryable(e);
        const why = timedOut ? `no reply within ${options.timeoutMs / 1000} s` : e instanceof Error ? e.message : String(e);
        if (retryable && attempt < options.maxRetries) {
          const retryAfterMs = (e as { retryAfterMs?: number }).retryAfterMs;
          await sleep(backoffMs(attempt, timedOut ? undefined : retryAfterMs, random), signal);
          continue;
        }
        const tail = retryable && attempt > 0 ? ` (gave up after ${attempt + 1} attempts)` : '';
        throw new JudgeError(`judge ${model} at ${shownUrl}: ${why}${tail}`, attempt + 1);
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      }
    }
  }

  return {
    identity: resolveIdentity,
    async grade(request, signal) {
      const { model } = await resolveIdentity();
      const messages: Message[] = [{ role: 'user', content: [{ type: 'text', text: request.prompt }] }];
      const key = judgeCacheKey({ model, messages, sampling: { temperature: 0, maxTokens: request.maxTokens } });
      const hit = options.cache.get(key);
      if (hit) return { reply: hit.reply, cached: true, calls: 0, promptTokens: hit.promptTokens, outputTokens: hit.outputTokens, latencyMs: null };
      return limit(() => ask(messages, request, key, model, signal));
    },
  };
}
