// A scripted OpenAI-compatible streaming server on 127.0.0.1 (design.md, example 14: tests use
// loopback servers, no network). Each POST /v1/chat/completions follows a StreamScript: when the
// first chunk comes, how often the next ones do, how many tokens each carries, whether usage is
// sent, how events are framed on the wire (split across writes, merged into one, keep-alives,
// CRLF), and faults (an HTTP status, a stall, a reset, an error chunk). Chunks are scheduled on an
// absolute timeline from the request's arrival, so timer lateness never accumulates. The server
// also answers GET /v1/models and, when asked, GET /metrics with a vLLM-like exposition whose
// counters advance with the tokens it streams. close() destroys every socket it has seen.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.ts';

export type Fault =
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Headers (and `afterChunks` chunks) are sent, then nothing until the client gives up. */
  | { type: 'stall'; afterChunks?: number }
  /** The socket is destroyed after `afterChunks` chunks. */
  | { type: 'reset'; afterChunks: number }
  /** A chunk `{"error": {...}}` after `afterChunks` chunks, then the stream ends. */
  | { type: 'error-chunk'; afterChunks: number; code?: number; message?: string }
  /** HTTP 200 with only the usage chunk and [DONE]. */
  | { type: 'no-choices' }
  /** HTTP 200 with a non-streamed body: `application/json` chat.completion, or `text` as text/html. */
  | { type: 'plain-body'; text?: string }
  /** The content chunks (none with a finish_reason), then the stream ends: no usage, no [DONE]. */
  | { type: 'no-done' };

export interface StreamScript {
  /** ms from the request's arrival to the first chunk (T). */
  firstChunkMs?: number;
  /** ms between chunks (D). */
  intervalMs?: number;
  /** Content chunks (n); 3 by default, 1 with `text`. */
  chunks?: number;
  /** The reply's text, split over the content chunks (a judge's answer); `w0 w1 …` tokens by default. */
  text?: string;
  /** Tokens per content chunk (k); 1 by default. */
  tokensPerChunk?: number;
  /** Each content chunk carries this many characters ('x' repeated) instead of k words. */
  chunkChars?: number;
  /** Send a role-only delta at T; the content chunks then come at T + D, T + 2D, … */
  roleDelta?: boolean;
  /** Send the usage chunk before [DONE]; true by default. */
  usage?: boolean;
  promptTokens?: number;
  /** 'split': each event in three writes 5 ms apart; 'merged': two events per write. */
  framing?: 'whole' | 'split' | 'merged';
  keepAlive?: boolean;
  crlf?: boolean;
  fault?: Fault;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface MetricsScript {
  /** kv_cache_usage_perc of scrape i (the last value repeats). */
  kvUsage?: number[];
  /** Export the deprecated vllm:gpu_cache_usage_perc instead. */
  legacyKvName?: boolean;
}

export interface ServerOptions {
  script?: StreamScript | StreamScript[] | ((body: Record<string, unknown>, index: number) => StreamScript);
  models?: string[];
  /** When set, requests without `Authorization: Bearer <key>` get a 401 that echoes the sent key. */
  requireKey?: string;
  /** Serve GET /metrics; without it, /metrics is a 404. */
  metrics?: MetricsScript;
}

export interface ScriptedServer {
  /** e.g. http://127.0.0.1:40123/v1 */
  baseUrl: string;
  /** e.g. http://127.0.0.1:40123 */
  root: string;
  requests: RecordedRequest[];
  /** Bodies of POST /v1/chat/completions, in arrival order. */
  chatBodies(): Array<Record<string, unknown>>;
  /** Tokens streamed so far (what vllm:generation_tokens_total adds to its base). */
  generatedTokens(): number;
  /** Bytes of chat responses the sockets accepted (writes wait for drain, so a client that stops reading stops this). */
  streamedBytes(): number;
  close(): Promise<void>;
}

const GEN_BASE = 1000;

export async function startOpenAiServer(options: ServerOptions = {}): Promise<ScriptedServer> {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const requests: RecordedRequest[] = [];
  let chatIndex = 0;
  let generated = 0;
  let streamed = 0;
  let scrapes = 0;

  // Node's timers count from the event loop's cached clock, so one can fire up to a few ms before
  // the real deadline; sleep again until performance.now() has passed it, so every scripted time is
  // a floor the client's measurements can be checked against.
  const sleepUntil = async (t: number): Promise<void> => {
    do {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, Math.max(0, t - performance.now()));
        timers.add(timer);
      });
    } while (performance.now() < t);
  };

  function scriptFor(body: Record<string, unknown>, index: number): StreamScript {
    const s = options.script;
    if (typeof s === 'function') return s(body, index);
    if (Array.isArray(s)) return s[Math.min(index, s.length - 1)] ?? {};
    return s ?? {};
  }

  async function streamChat(res: ServerResponse, body: Record<string, unknown>, s: StreamScript, t0: number): Promise<void> {
    const fault = s.fault;
    if (fault?.type === 'status') {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body ?? { error: { message: `scripted ${fault.status}` } }));
      return;
    }
    if (fault?.type === 'plain-body') {
      const json = fault.text === undefined;
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'text/html' });
      res.end(json ? JSON.stringify({ id: 'c', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }] }) : fault.text);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    const model = typeof body.model === 'string' ? body.model : 'test-model';
    const nl = s.crlf ? '\r\n' : '\n';
    const withUsage = body.stream_options !== undefined;
    const chunk = (choices: unknown[], usage: unknown = null): unknown => ({
      id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 0, model, choices, ...(withUsage ? { usage } : {}),
    });
    const event = (data: unknown): string =>
      `${s.keepAlive ? `: keep-alive${nl}${nl}` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}${nl}${nl}`;

    const T = s.firstChunkMs ?? 0;
    const D = s.intervalMs ?? 0;
    const n = s.chunks ?? (s.text === undefined ? 3 : 1);
    const k = s.tokensPerChunk ?? 1;
    const items: Array<{ at: number; text: string; tokens: number }> = [];
    let at = T;
    if (s.roleDelta) {
      items.push({ at, text: event(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])), tokens: 0 });
      at += D;
    }
    let token = 0;
    const limit = fault && 'afterChunks' in fault ? (fault.afterChunks ?? 0) : n;
    // big chunks are one shared string, so a 50 MiB response does not cost the test 50 MiB
    const bigChunk = s.chunkChars ? event(chunk([{ index: 0, delta: { content: 'x'.repeat(s.chunkChars) }, finish_reason: null }])) : '';
    for (let i = 0; i < n && fault?.type !== 'no-choices'; i++, at += D) {
      if (i === limit) break;
      if (bigChunk) {
        token += k;
        items.push({ at, text: bigChunk, tokens: k });
        continue;
      }
      let text = '';
      if (s.text !== undefined) {
        text = s.text.slice(Math.floor((i * s.text.length) / n), Math.floor(((i + 1) * s.text.length) / n));
        token += k;
      } else {
        for (let j = 0; j < k; j++) text += `w${token++} `;
      }
      const finish = i === n - 1 && fault?.type !== 'no-done' ? 'length' : null;
      items.push({ at, text: event(chunk([{ index: 0, delta: { content: text }, finish_reason: finish }])), tokens: k });
    }
    const last = items.length ? items[items.length - 1].at : T;
    if (fault?.type === 'error-chunk') {
      items.push({ at: last, text: event({ error: { message: fault.message ?? 'scripted failure', code: fault.code ?? 500 } }), tokens: 0 });
    }
    if (!fault) {
      if (s.usage ?? true) {
        const usage = { prompt_tokens: s.promptTokens ?? 42, completion_tokens: token, total_tokens: (s.promptTokens ?? 42) + token };
        items.push({ at: last, text: event(chunk([], usage)), tokens: 0 });
      }
      items.push({ at: last, text: event('[DONE]'), tokens: 0 });
    } else if (fault.type === 'no-choices') {
      items.push({ at: last, text: event(chunk([], { prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 })), tokens: 0 });
      items.push({ at: last, text: event('[DONE]'), tokens: 0 });
    }

    const writes = frame(items, s.framing ?? 'whole');
    for (const w of writes) {
      await sleepUntil(t0 + w.at);
      if (res.destroyed) return;
      generated += w.tokens;
      streamed += Buffer.byteLength(w.text);
      if (!res.write(w.text)) {
        // backpressure: wait until the client has read what is buffered (or has gone)
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    }
    if (fault?.type === 'stall') return; // never end: the client has to abort
    if (fault?.type === 'reset') {
      await sleepUntil(t0 + last + D);
      res.socket?.destroy();
      return;
    }
    res.end();
  }

  function metricsText(m: MetricsScript): string {
    const i = scrapes++;
    const kvList = m.kvUsage ?? [0.25];
    const kv = kvList[Math.min(i, kvList.length - 1)];
    const l = 'engine="0",model_name="test-model"';
    const kvName = m.legacyKvName ? 'vllm:gpu_cache_usage_perc' : 'vllm:kv_cache_usage_perc';
    return [
      '# HELP vllm:generation_tokens_total Number of generation tokens processed.',
      '# TYPE vllm:generation_tokens_total counter',
      `vllm:generation_tokens_total{${l}} ${GEN_BASE + generated}.0`,
      '# TYPE vllm:num_preemptions_total counter',
      `vllm:num_preemptions_total{${l}} ${i}.0`,
      '# TYPE vllm:num_requests_running gauge',
      `vllm:num_requests_running{${l}} 0.0`,
      `# TYPE ${kvName} gauge`,
      `${kvName}{${l}} ${kv}`,
      '# TYPE vllm:cache_config_info gauge',
      `vllm:cache_config_info{block_size="16",cache_dtype="auto",enable_prefix_caching="True",engine="0",gpu_memory_utilization="0.9",num_gpu_blocks="2048"} 1.0`,
      '# TYPE vllm:time_to_first_token_seconds histogram',
      `vllm:time_to_first_token_seconds_bucket{${l},le="0.1"} ${i}.0`,
      `vllm:time_to_first_token_seconds_bucket{${l},le="+Inf"} ${2 * i}.0`,
      `vllm:time_to_first_token_seconds_sum{${l}} ${0.15 * i}`,
      `vllm:time_to_first_token_seconds_count{${l}} ${2 * i}.0`,
      '',
    ].join('\n');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now(); // the script's timeline starts when the request's headers arrive
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // keep the text
    }
    const path = (req.url ?? '/').split('?')[0];
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });

    if (req.method === 'GET' && path === '/metrics') {
      if (!options.metrics) return void res.writeHead(404).end('not found');
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return void res.end(metricsText(options.metrics));
    }
    if (options.requireKey !== undefined && req.headers.authorization !== `Bearer ${options.requireKey}`) {
      const sent = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      res.writeHead(401, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${sent}`, code: 'invalid_api_key' } }));
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const data = (options.models ?? ['test-model']).map((id) => ({ id, object: 'model', owned_by: 'test' }));
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ object: 'list', data }));
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      return streamChat(res, b, scriptFor(b, chatIndex++), t0);
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const loopback = await listenOnLoopback(server);
  const root = `http://127.0.0.1:${loopback.port}`;

  return {
    baseUrl: `${root}/v1`,
    root,
    requests,
    chatBodies: () =>
      requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions').map((r) => r.body as Record<string, unknown>),
    generatedTokens: () => generated,
    streamedBytes: () => streamed,
    close: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return loopback.close();
    },
  };
}

/** Turns scheduled events into scheduled writes according to the framing. */
function frame(items: Array<{ at: number; text: string; tokens: number }>, framing: 'whole' | 'split' | 'merged') {
  if (framing === 'merged') {
    const out: typeof items = [];
    for (let i = 0; i < items.length; i += 2) {
      const b = items[i + 1];
      out.push(b ? { at: b.at, text: items[i].text + b.text, tokens: items[i].tokens + b.tokens } : items[i]);
    }
    return out;
  }
  if (framing === 'split') {
    const out: typeof items = [];
    for (const it of items) {
      const a = Math.floor(it.text.length / 3);
      const b = Math.floor((2 * it.text.length) / 3);
      out.push({ at: it.at, text: it.text.slice(0, a), tokens: 0 });
      out.push({ at: it.at + 5, text: it.text.slice(a, b), tokens: 0 });
      out.push({ at: it.at + 10, text: it.text.slice(b), tokens: it.tokens });
    }
    return out;
  }
  return items;
}
