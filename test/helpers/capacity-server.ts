// A loopback OpenAI-compatible server whose latency rises with load, for sweep tests: it serves K
// streams at full speed, and beyond K every stream slows down in proportion (processor sharing:
// with n > K streams each advances at K/n of full speed), so TTFT and the gaps between tokens
// stretch by n/K. Each request needs `firstTokenMs` of full-speed work before its first token and
// `tokenMs` per further token. Progress is accounted on the real clock at every arrival, token and
// departure, so a late timer delays one chunk but never the work after it.
// Throughput is therefore min(n, K) requests per request-time: the knee of a doubling sweep is the
// first concurrency at or above K, and a TPOT objective between tokenMs·(K+1)/K and tokenMs·2 holds
// up to about concurrency K. The server also answers /health and /v1/models, and records, per
// request, when it arrived and when it sent each token.

import { createServer, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.ts';

export interface CapacityServerOptions {
  /** Streams served at full speed at once (K). */
  capacity: number;
  /** Full-speed work before the first token, ms. */
  firstTokenMs: number;
  /** Full-speed work per further token, ms. */
  tokenMs: number;
  /** Output tokens of a request (one per chunk). */
  tokens: number;
  /**
   * When set, a request's output is `tokens` plus 0..spread−1 more, fixed per prompt (a hash of the
   * messages), so requests of one batch do not all end together and leave the server idle while the
   * client sends the next batch; the same sample has the same length at every load.
   */
  spread?: number;
}

export interface ServedRequest {
  arrivedMs: number;
  /** When each token was written, ms (performance.now of this process). */
  tokenMs: number[];
}

export interface CapacityServer {
  baseUrl: string;
  served: ServedRequest[];
  /** Most streams in flight at once. */
  peakActive(): number;
  close(): Promise<void>;
}

interface Stream {
  res: ServerResponse;
  work: number;
  /** Work at which each token is due. */
  due: number[];
  sent: number;
  record: ServedRequest;
  model: string;
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export async function startCapacityServer(o: CapacityServerOptions): Promise<CapacityServer> {
  const active: Stream[] = [];
  const served: ServedRequest[] = [];
  let last = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let peak = 0;
  const rate = () => Math.min(1, o.capacity / Math.max(1, active.length));

  const chunk = (s: Stream, data: unknown) => s.res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);

  /** Emits a stream's due tokens and, once all are out, its usage chunk and [DONE]. */
  function emitDue(s: Stream, now: number): void {
    // a hair of slack: the timer was set for exactly this milestone
    while (s.sent < s.due.length && s.work >= s.due[s.sent] - 1e-6) {
      const final = s.sent === s.due.length - 1;
      chunk(s, { id: 'cmpl-cap', object: 'chat.completion.chunk', model: s.model, choices: [{ index: 0, delta: { content: `t${s.sent} ` }, finish_reason: final ? 'length' : null }], usage: null });
      s.record.tokenMs.push(now);
      s.sent++;
    }
    if (s.sent === s.due.length) {
      chunk(s, { id: 'cmpl-cap', object: 'chat.completion.chunk', model: s.model, choices: [], usage: { prompt_tokens: 10, completion_tokens: s.due.length, total_tokens: 10 + s.due.length } });
      chunk(s, '[DONE]');
      s.res.end();
      active.splice(active.indexOf(s), 1);
    }
  }

  /**
   * Brings every stream's work up to now, milestone by milestone: a stream that finished part-way
   * through the elapsed time stops taking a share from that moment, however late this runs.
   */
  function advance(): void {
    const now = performance.now();
    while (active.length) {
      const r = rate();
      const step = Math.min(...active.map((s) => (s.due[s.sent] - s.work) / r));
      const until = Math.min(now, last + Math.max(0, step));
      for (const s of active) s.work += (until - last) * r;
      last = until;
      const before = active.length;
      for (const s of [...active]) emitDue(s, now);
      if (until >= now && active.length === before) break;
    }
    last = now;
  }

  function schedule(): void {
    clearTimeout(timer);
    if (active.length === 0) return;
    const r = rate();
    const next = Math.min(...active.map((s) => (s.due[s.sent] - s.work) / r));
    timer = setTimeout(tick, Math.max(0, next));
  }

  function tick(): void {
    advance();
    schedule();
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && path === '/health') return void res.writeHead(200).end();
      if (req.method === 'GET' && path === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ object: 'list', data: [{ id: 'capacity-model', object: 'model' }] }));
      }
      if (req.method !== 'POST' || path !== '/v1/chat/completions') return void res.writeHead(404).end();
      let model = 'capacity-model';
      let tokens = o.tokens;
      try {
        const parsed = JSON.parse(Buffer.concat(body).toString('utf8')) as { model?: string; messages?: unknown };
        model = parsed.model ?? model;
        if (o.spread) tokens += hash(JSON.stringify(parsed.messages ?? '')) % o.spread;
      } catch {
        // keep the defaults
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      advance();
      const due = Array.from({ length: tokens }, (_, i) => o.firstTokenMs + i * o.tokenMs);
      const record: ServedRequest = { arrivedMs: performance.now(), tokenMs: [] };
      served.push(record);
      const stream: Stream = { res, work: 0, due, sent: 0, record, model };
      active.push(stream);
      peak = Math.max(peak, active.length);
      schedule();
      // a client that goes away frees its share
      res.on('close', () => {
        const at = active.indexOf(stream);
        if (at < 0) return;
        advance();
        active.splice(active.indexOf(stream), 1);
        schedule();
      });
    });
  });
  const loopback = await listenOnLoopback(server);
  return {
    baseUrl: `http://127.0.0.1:${loopback.port}/v1`,
    served,
    peakActive: () => peak,
    close: () => {
      clearTimeout(timer);
      return loopback.close();
    },
  };
}
