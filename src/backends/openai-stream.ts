// Reads an OpenAI chat-completions SSE stream into text, usage and arrival times, using vLLM's
// current definitions (spec/serving-metrics.md §1.1, `vllm/benchmarks/lib/endpoint_request_func.py`):
// - a "choice event" is any chunk whose `choices` array is non-empty; the role-only first delta
//   (`{"role":"assistant","content":""}`) counts, so TTFT is the arrival of the first choice event;
// - every choice event's arrival goes into `chunkMs` (ITL = gaps between them, one per chunk);
// - the end is the last choice event: the trailing usage-only chunk and `[DONE]` are excluded;
// - usage is read from any chunk that has it (the final usage-only chunk with `include_usage`, or
//   every chunk with vLLM's `continuous_usage_stats`); the last one wins.
// - `finishReason` is the last choice's finish_reason; a stream that ends with neither it nor [DONE]
//   was cut short (the caller flags the answer as possibly incomplete);
// - `events`, `bytes` and `head` describe what arrived, so a 200 whose body is not an event stream
//   (a server that ignored "stream": true, a proxy's HTML page) can be told from a dropped connection.
// A chunk carrying an `error` object ends the read with a BackendError; 5xx/429 codes are retryable.
// `maxBytes` bounds the body (sse.ts): past it the read stops with a final BackendError.
// streamGeneration turns a finished read into the Generation (or the error) the backend returns;
// reading and interpreting need no fetch, so a client in a worker thread can reuse both. A stream
// is read push by push from a socket's reads (createChatStreamReader), each event interpreted by
// chatEvent.

import type { Generation } from '../types.ts';
import { BackendError } from './backend-error.ts';
import { displayUrl, serverMessage } from './http-errors.ts';
import { redact } from './redact.ts';
import { createSseReader, type SseStats } from './sse.ts';

export interface ChatStreamResult {
  text: string;
  firstTokenMs?: number;
  chunkMs: number[];
  endMs?: number;
  /** Choice events whose delta carried non-empty content (the token estimate without usage). */
  contentChunks: number;
  promptTokens?: number;
  completionTokens?: number;
  /** Whether `data: [DONE]` arrived; a stream cut short ends without it. */
  done: boolean;
  /** The finish_reason of the last choice that carried one (`stop`, `length` …). */
  finishReason?: string;
  /** SSE events, body bytes and the body's first characters. */
  events: number;
  bytes: number;
  head: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function emptyResult(): ChatStreamResult {
  return { text: '', chunkMs: [], contentChunks: 0, done: false, events: 0, bytes: 0, head: '' };
}

/** Copies what the SSE reader saw on the wire into the result. */
function withStats(result: ChatStreamResult, stats: SseStats): ChatStreamResult {
  result.events = stats.events;
  result.bytes = stats.bytes;
  result.head = stats.head;
  return result;
}

/** A stream read push by push (chat-post.ts: a socket's reads, parsed in the callback that delivered each). */
export interface ChatStreamReader {
  /**
   * Feeds one read of the body, which arrived at `arrivalMs`. Throws a BackendError for an error
   * chunk, a chunk that is not JSON, or a body past maxBytes; the read is over then.
   */
  push(bytes: Uint8Array, arrivalMs: number): void;
  /** What the stream amounted to, once the body has ended. */
  end(): ChatStreamResult;
}

export function createChatStreamReader(o: { maxBytes?: number } = {}): ChatStreamReader {
  const result = emptyResult();
  let arrivalMs = 0;
  const sse = createSseReader({ ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}), onData: (data) => chatEvent(result, data, arrivalMs) });
  return {
    push(bytes, at) {
      arrivalMs = at;
      sse.push(bytes);
    },
    end: () => withStats(result, sse.stats),
  };
}

/** One event's data, interpreted into the result (the definitions at the top of this file). */
function chatEvent(result: ChatStreamResult, data: string, arrivalMs: number): void {
  if (data === '[DONE]' || (data.charCodeAt(0) !== 123 /* '{': a JSON chunk */ && data.trim() === '[DONE]')) {
    // Read on to the end of the body rather than cancelling it: a cancelled body costs the
    // keep-alive connection, and servers end the stream right after.
    result.done = true;
    return;
  }
  if (result.done) return;
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    throw new BackendError(`Malformed stream chunk (not JSON): ${data.slice(0, 200)}`);
  }
  if (!isObject(chunk)) return;
  const error = isObject(chunk.error) ? chunk.error : chunk.object === 'error' ? chunk : undefined;
  if (error) throw streamError(error);

  const choices = chunk.choices;
  if (Array.isArray(choices) && choices.length > 0) {
    result.firstTokenMs ??= arrivalMs;
    result.chunkMs.push(arrivalMs);
    result.endMs = arrivalMs;
    const first: unknown = choices[0];
    if (isObject(first) && typeof first.finish_reason === 'string') result.finishReason = first.finish_reason;
    const delta = isObject(first) ? first.delta : undefined;
    const content = isObject(delta) ? delta.content : undefined;
    if (typeof content === 'string' && content !== '') {
      result.text += content;
      result.contentChunks++;
    }
  }
  if (isObject(chunk.usage)) {
    const prompt = count(chunk.usage.prompt_tokens);
    const completion = count(chunk.usage.completion_tokens);
    if (prompt !== undefined) result.promptTokens = prompt;
    if (completion !== undefined) result.completionTokens = completion;
  }
}

/** Where a stream came from, for messages and the timing. */
export interface StreamOrigin {
  /** Monotonic ms just before the request was sent. */
  startMs: number;
  url: string;
  status: number;
  contentType: string | null;
  apiKey?: string;
}

/**
 * The Generation a finished stream amounts to, or the BackendError that says why it is none:
 * - a body with no server-sent event at all (a server that ignored "stream": true and sent JSON, a
 *   proxy's HTML page) is final, quoting what arrived;
 * - a stream cut short before any output is a dropped connection (retryable); one that finished
 *   without any choice is final;
 * - a stream that ended with neither [DONE] nor a finish_reason is kept (vLLM's client accepts it
 *   too) but flagged `incomplete`: the answer may be cut short.
 * Token counts come from the usage chunk (`server`), else the content chunks are counted (`estimate`).
 */
export function streamGeneration(s: ChatStreamResult, origin: StreamOrigin): Generation {
  const where = displayUrl(origin.url);
  if (s.events === 0 && s.bytes > 0 && !/^\s*(:|data:|event:|id:|retry:)/.test(s.head)) {
    const type = origin.contentType ?? 'no content-type';
    const why = /json/i.test(type) ? 'a JSON body instead of an event stream (the server ignored "stream": true, or it is not an OpenAI-compatible chat endpoint)' : 'no server-sent events';
    throw new BackendError(redact(`HTTP ${origin.status} from ${where} (${type}) had ${why}: ${serverMessage(s.head).slice(0, 200) || 'empty body'}`, origin.apiKey));
  }
  if (s.endMs === undefined) {
    throw new BackendError(s.done ? `${where} finished the stream without any choices.` : `The stream from ${where} ended before any output.`, { retryable: !s.done });
  }
  const server = s.completionTokens !== undefined;
  return {
    text: s.text,
    ...(s.promptTokens !== undefined ? { promptTokens: s.promptTokens } : {}),
    outputTokens: server ? (s.completionTokens as number) : s.contentChunks,
    tokenSource: server ? 'server' : 'estimate',
    timing: { startMs: origin.startMs, firstTokenMs: s.firstTokenMs, chunkMs: s.chunkMs, endMs: s.endMs },
    ...(!s.done && s.finishReason === undefined ? { incomplete: 'the stream ended without [DONE] or a finish_reason; the answer may be cut short' } : {}),
  };
}

function streamError(error: Json): BackendError {
  const message = typeof error.message === 'string' ? error.message : JSON.stringify(error).slice(0, 500);
  const code = typeof error.code === 'number' ? error.code : undefined;
  const retryable = code !== undefined && (code === 429 || code >= 500);
  return new BackendError(`Server reported an error mid-stream: ${message}`, {
    retryable,
    ...(code !== undefined ? { status: code } : {}),
  });
}
