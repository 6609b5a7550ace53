// Backend for any OpenAI-compatible chat server (vLLM, SGLang, TGI, llama.cpp, OpenAI itself),
// measuring each request the way `vllm bench serve` does (spec/serving-metrics.md §0, §1.1, §1.6):
// - the payload is vLLM's `openai-chat` one: model, messages, max_completion_tokens, stream: true,
//   stream_options.include_usage, plus temperature (we always send it: greedy by default) and
//   `extraBody` merged last, as `--extra-body` is;
// - startMs is the injected monotonic clock just before the POST; first token, chunk and end times
//   are SSE arrival times of choice events (see openai-stream.ts for the exact definitions);
// - token counts come from the server's usage chunk (tokenSource 'server'). Without usage, the output
//   count is estimated as the number of content-carrying chunks (tokenSource 'estimate'): exact for
//   servers that stream one token per chunk, an undercount when they coalesce tokens. We have no
//   tokenizer here to re-tokenise as vLLM's client does.
// Servers that predate `max_completion_tokens` reject it with a 400; we then retry once with
// `max_tokens` and keep using that. The API key goes only into the Authorization header; a base URL
// with user:password is refused (fetch would put it in every error message, and config.json would
// keep it). Bodies are bounded: the stream by `maxResponseBytes`, error bodies by ERROR_BODY_BYTES.
// Requests are sent and their streams read by the load generator's client (src/load/): worker
// threads with `clientWorkers` > 0, the calling thread otherwise; either way the same code reads
// the stream (openai-stream.ts), and this file maps what it got (an error status, a stream, a
// network failure).
// Several base URLs (replicas of one served model) share the load through an endpoint pool
// (endpoint-pool.ts): least outstanding requests, and a request whose endpoint fails in a way that
// is the endpoint's (refused, reset, cut short, a 5xx or 429: the retryable errors) is sent again
// to another endpoint at once, each endpoint once at most; an endpoint that keeps failing is taken
// out. With one base URL a failure goes back to the runner's retries, as before.

import { UserError } from '../errors.ts';
import { TransportError } from '../load/chat-post.ts';
import { createClientPool, createInProcessClient, type ChatClient } from '../load/client-pool.ts';
import { assembleBody, imagePlaceholder } from '../load/request-body.ts';
import type { Backend, ContentPart, GenerateHooks, Generation, Message, ModelInfo, Request } from '../types.ts';
import { BackendError, isRetryable, redact } from './backend-error.ts';
import { createEndpointPool, type Endpoint } from './endpoint-pool.ts';
import { checkBaseUrl, displayUrl, errorFromNetwork, errorFromResponse, readBodyText, serverMessage } from './http-errors.ts';
import { imageDataUrlBytes } from './openai-image.ts';
import { streamGeneration } from './openai-stream.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from './sse.ts';

export interface OpenAiBackendOptions {
  /** The API root, e.g. `http://localhost:8000/v1`, or several (replicas of one model). */
  baseUrl: string | readonly string[];
  /** Served model name; when absent, the first id listed by GET {baseUrl}/models. */
  model?: string;
  apiKey?: string;
  /** Extra payload fields (`ignore_eos`, `min_tokens`, `top_k` …), merged over the defaults. */
  extraBody?: Record<string, unknown>;
  fetch?: typeof globalThis.fetch;
  /** Monotonic clock in ms; performance.now() by default. */
  now?: () => number;
  /** Images larger than this are re-encoded (see openai-image.ts). */
  maxImageBytes?: number;
  /** Images one request may carry; 16 by default (check the server's --limit-mm-per-prompt). */
  maxImages?: number;
  /** Time limit for GET /models in describe(); 10 s by default. */
  describeTimeoutMs?: number;
  /** A response body larger than this errors its sample (--max-response-bytes); 8 MiB by default. */
  maxResponseBytes?: number;
  /** Worker threads that send requests and read streams; 0 or absent: the calling thread. */
  clientWorkers?: number;
  /** Test hook: each client worker blocks its event loop this long on every turn. */
  clientStallMs?: number;
  /** A ready client instead of one made from clientWorkers (tests, benchmarks); closed with the backend. */
  client?: ChatClient;
}

/** Error bodies are only quoted (500 characters), so little of them is read. */
const ERROR_BODY_BYTES = 64 * 1024;

type TokenParam = 'max_completion_tokens' | 'max_tokens';

type OpenAiPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export function createOpenAiBackend(options: OpenAiBackendOptions): Backend {
  const bases = (typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl).map((u) => checkBaseUrl(u).replace(/\/+$/, ''));
  if (bases.length === 0) throw new UserError('--base-url is empty; give the API root, e.g. http://127.0.0.1:8000/v1.');
  const pool = createEndpointPool({ baseUrls: bases, display: displayUrl });
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => performance.now());
  const apiKey = options.apiKey || undefined;
  const maxImages = options.maxImages ?? 16;
  let tokenParam: TokenParam = 'max_completion_tokens';
  let model: Promise<string> | undefined = options.model ? Promise.resolve(options.model) : undefined;
  const client = options.client ?? (options.clientWorkers
    ? createClientPool({ workers: options.clientWorkers, ...(options.clientStallMs ? { stallMs: options.clientStallMs } : {}) })
    : createInProcessClient({ now }));

  function headers(jsonBody: boolean, accept: string): Record<string, string> {
    const h: Record<string, string> = { accept };
    if (jsonBody) h['content-type'] = 'application/json';
    if (apiKey) h.authorization = `Bearer ${apiKey}`;
    return h;
  }

  function resolveModel(): Promise<string> {
    model ??= anyModel().catch((e: unknown) => {
      model = undefined; // let a later call try again
      throw e;
    });
    return model;
  }

  /** The model the first endpoint that answers lists (replicas serve the same one). */
  async function anyModel(): Promise<string> {
    let first: unknown = null;
    for (const base of bases) {
      try {
        return await firstModel(`${base}/models`);
      } catch (e) {
        first ??= e;
      }
    }
    throw first;
  }

  /** The first served model; a BackendError (retryable when the failure is transient) otherwise. */
  async function firstModel(url: string): Promise<string> {
    const signal = AbortSignal.timeout(options.describeTimeoutMs ?? 10_000);
    const where = displayUrl(url);
    let res: Response;
    let text: string;
    try {
      res = await fetchFn(url, { headers: headers(false, 'application/json'), signal });
      text = await readBodyText(res, res.ok ? maxResponseBytes : ERROR_BODY_BYTES);
    } catch (e) {
      const network = errorFromNetwork(e, url, apiKey, 'request');
      throw new BackendError(redact(`Cannot reach the server at ${where} to list its models (${network.message}). Is it running, and does --base-url end in /v1? Or pass --model.`, apiKey), { retryable: network.retryable });
    }
    if (!res.ok) {
      throw errorFromResponse({ status: res.status, statusText: res.statusText, bodyText: text, retryAfter: res.headers.get('retry-after'), url, apiKey });
    }
    let id: unknown;
    try {
      const body = JSON.parse(text) as { data?: Array<{ id?: unknown }> };
      id = body.data?.[0]?.id;
    } catch {
      // handled below
    }
    if (typeof id !== 'string' || id === '') {
      throw new BackendError(redact(`${where} listed no models (${serverMessage(text) || 'empty body'}). Pass --model.`, apiKey));
    }
    return id;
  }

  /** The payload messages with a placeholder per image, and each image's data URL bytes (request-body.ts). */
  async function toPayloadMessages(messages: Message[]): Promise<{ messages: Array<{ role: Message['role']; content: OpenAiPart[] | string }>; images: Uint8Array[] }> {
    const count = messages.reduce((n, m) => n + m.content.filter((p) => p.type === 'image').length, 0);
    if (count > maxImages) {
      throw new BackendError(`The request has ${count} images; this backend is configured for at most ${maxImages}.`, { kind: 'input' });
    }
    const images: Array<Promise<Uint8Array>> = [];
    const part = (p: ContentPart): OpenAiPart => {
      if (p.type === 'text') return { type: 'text', text: p.text };
      images.push(imageDataUrlBytes(p.image, { maxBytes: options.maxImageBytes }));
      return { type: 'image_url', image_url: { url: imagePlaceholder(images.length - 1) } };
    };
    const out = messages.map((m) => ({
      role: m.role,
      // An earlier answer in a conversation goes back as a plain string, the text exactly as the
      // server streamed it: the form every OpenAI-compatible server accepts for assistant turns.
      content: m.role === 'assistant' && m.content.every((p) => p.type === 'text') ? assistantText(m) : m.content.map(part),
    }));
    return { messages: out, images: await Promise.all(images) };
  }

  function payload(request: Request, modelId: string, messages: unknown, param: TokenParam): string {
    const extra = options.extraBody ?? {};
    const extraStreamOptions = typeof extra.stream_options === 'object' && extra.stream_options !== null ? extra.stream_options : {};
    return JSON.stringify({
      model: modelId,
      [param]: request.maxTokens,
      temperature: request.temperature,
      ...extra,
      messages,
      stream: true,
      stream_options: { include_usage: true, ...extraStreamOptions },
    });
  }

  async function generate(request: Request, signal: AbortSignal, hooks?: GenerateHooks): Promise<Generation> {
    if (request.rawPrompt !== undefined) {
      throw new BackendError(
        'Raw prompts need a backend with a chat-template bypass; the OpenAI chat backend always applies the server\'s chat template.',
        { kind: 'input' },
      );
    }
    // a rejected key or a missing route is final; only a transient failure is retried
    const modelId = await resolveModel();
    const { messages, images } = await toPayloadMessages(request.messages);
    const tried = new Set<number>();
    let failure: unknown = null;
    for (;;) {
      const endpoint = pool.acquire(tried);
      if (!endpoint) {
        throw failure ?? new BackendError(`Every --base-url endpoint is out of service after repeated failures (${bases.map(displayUrl).join(', ')}); it is tried again after a cooldown.`, { retryable: true });
      }
      tried.add(endpoint.index);
      try {
        const generation = await generateAt(endpoint, request, { modelId, messages, images }, signal, hooks);
        pool.release(endpoint, 'ok');
        return generation;
      } catch (e) {
        // the endpoint's fault: a transient failure, or no answer within the request's time limit
        const timedOut = signal.aborted && (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
        pool.release(endpoint, signal.aborted ? (timedOut ? 'fault' : 'cancelled') : isRetryable(e) ? 'fault' : 'error');
        if (signal.aborted || !isRetryable(e) || pool.size === 1) throw e;
        failure = e; // sent again to another endpoint, at once
      }
    }
  }

  async function generateAt(endpoint: Endpoint, request: Request, prepared: { modelId: string; messages: unknown; images: Uint8Array[] }, signal: AbortSignal, hooks: GenerateHooks | undefined): Promise<Generation> {
    const { modelId, messages, images } = prepared;
    const chatUrl = `${endpoint.base}/chat/completions`;
    for (let attempt = 0; ; attempt++) {
      const param = tokenParam;
      const body = assembleBody(payload(request, modelId, messages, param), images);
      signal.throwIfAborted();
      let reply;
      try {
        reply = await client.post({ url: chatUrl, headers: headers(true, 'text/event-stream'), body, maxResponseBytes, maxErrorBytes: ERROR_BODY_BYTES }, signal, hooks);
      } catch (e) {
        throw aborted(signal) ?? scrub(e instanceof TransportError ? errorFromNetwork(e.cause, chatUrl, apiKey, e.phase) : errorFromNetwork(e, chatUrl, apiKey, 'stream'));
      }
      if (reply.kind === 'status') {
        const { status, bodyText } = reply;
        if (status === 400 && param === 'max_completion_tokens' && attempt === 0 && rejectsTokenParam(bodyText)) {
          tokenParam = 'max_tokens';
          continue;
        }
        if (attempt > 0 && status === 400 && rejectsTokenParam(bodyText)) tokenParam = 'max_completion_tokens';
        throw errorFromResponse({ status, statusText: reply.statusText, bodyText, retryAfter: reply.retryAfter, url: chatUrl, apiKey });
      }
      return streamGeneration(reply.stream, { startMs: reply.startMs, url: chatUrl, status: reply.status, contentType: reply.contentType, apiKey });
    }
  }

  function scrub(e: BackendError): BackendError {
    if (!apiKey || !e.message.includes(apiKey)) return e;
    return new BackendError(redact(e.message, apiKey), { kind: e.kind, retryable: e.retryable, status: e.status, retryAfterMs: e.retryAfterMs });
  }

  async function describe(): Promise<ModelInfo> {
    try {
      return { id: await resolveModel(), backend: 'openai', dtype: null };
    } catch (e) {
      // nothing can run without a model: the run stops with the server's reason (exit 1)
      throw new UserError(e instanceof Error ? e.message : String(e), 1);
    }
  }

  return {
    id: 'openai',
    maxImages,
    describe,
    generate,
    client: { workers: client.workers, resetLoopDelay: client.resetLoopDelay, loopDelay: client.loopDelay, ...(client.limitInFlight ? { limitInFlight: client.limitInFlight } : {}) },
    close: client.close,
    endpoints: pool.stats,
  };
}

function assistantText(m: Message): string {
  return m.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/** A 400 that says the server does not know `max_completion_tokens` (older vLLM, TGI, llama.cpp). */
function rejectsTokenParam(bodyText: string): boolean {
  return /max_completion_tokens|unknown field|unrecognized (field|argument|parameter)|extra inputs are not permitted|extra_forbidden/i.test(bodyText);
}

/** The signal's reason when the caller aborted (the runner maps that to 'timeout' itself). */
function aborted(signal: AbortSignal): Error | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason instanceof Error ? signal.reason : new DOMException('The request was aborted.', 'AbortError');
}
