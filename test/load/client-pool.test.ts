// The openai backend's client in worker threads: times taken in a worker are on the main thread's
// clock and match the script, every failure reaches the caller exactly as it does from the
// in-process client, an abort ends a stalled stream, and a worker's event-loop delay is measured.

import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BackendError } from '../../src/backends/backend-error.ts';
import { createOpenAiBackend } from '../../src/backends/openai.ts';
import { LOOP_DELAY_P99_LIMIT_MS } from '../../src/load/client-check.ts';
import { createClientPool, type ChatClient } from '../../src/load/client-pool.ts';
import type { Backend, Request } from '../../src/types.ts';
import { startOpenAiServer, type ScriptedServer, type StreamScript } from '../helpers/openai-server.ts';

const KEY = 'sk-pool-SECRET-42';
const request: Request = { sampleId: 's', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], maxTokens: 8, temperature: 0 };
const signal = () => new AbortController().signal;

let server: ScriptedServer;
const opened: Array<Backend | ChatClient> = [];
beforeAll(async () => {
  server = await startOpenAiServer({ requireKey: KEY, script: (body) => (body as { script?: StreamScript }).script ?? {} });
});
afterAll(() => server.close());
afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.close?.()));
});

function backend(script: StreamScript, clientWorkers: number, over: { apiKey?: string; baseUrl?: string } = {}): Backend {
  const b = createOpenAiBackend({ baseUrl: over.baseUrl ?? server.baseUrl, model: 'm', apiKey: over.apiKey ?? KEY, extraBody: { script }, clientWorkers });
  opened.push(b);
  return b;
}

/** What a caller can see of a failure. */
async function failure(p: Promise<unknown>): Promise<Record<string, unknown>> {
  const e = (await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  )) as BackendError;
  return { name: e.name, message: e.message, kind: e.kind, retryable: e.retryable, status: e.status, retryAfterMs: e.retryAfterMs };
}

describe('client workers', () => {
  it('time chunks on the main thread clock, as the script says', { retry: 2 }, async () => {
    const b = backend({ firstChunkMs: 60, intervalMs: 12, chunks: 6 }, 2);
    await b.client!.resetLoopDelay(); // the workers are up
    const gens = [];
    for (let i = 0; i < 4; i++) {
      const before = performance.now();
      const gen = await b.generate(request, signal());
      const after = performance.now();
      const t = gen.timing!;
      // stamped in a worker, yet ordered with the main thread's own readings
      expect(t.startMs).toBeGreaterThanOrEqual(before);
      expect(t.endMs).toBeLessThanOrEqual(after);
      expect(t.firstTokenMs).toBe(t.chunkMs[0]);
      expect(t.chunkMs).toHaveLength(6);
      gens.push(gen);
    }
    const ttft = Math.min(...gens.map((g) => g.timing!.firstTokenMs! - g.timing!.startMs));
    expect(ttft).toBeGreaterThan(58);
    expect(ttft).toBeLessThan(60 * 1.05 + 10);
    const gaps = gens.flatMap((g) => g.timing!.chunkMs.slice(1).map((t, i) => t - g.timing!.chunkMs[i])).sort((x, y) => x - y);
    expect(Math.abs(gaps[Math.floor(gaps.length / 2)] - 12)).toBeLessThan(12 * 0.1);
    expect(gens[0]).toMatchObject({ outputTokens: 6, tokenSource: 'server', text: 'w0 w1 w2 w3 w4 w5 ' });
  });

  it('deliver every failure exactly as the in-process client does', async () => {
    const refused = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const cases: Array<{ script: StreamScript; apiKey?: string; baseUrl?: string }> = [
      { script: { fault: { type: 'status', status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'slow down' } } } } },
      { script: { fault: { type: 'status', status: 500 } } },
      { script: { fault: { type: 'status', status: 400, body: { error: { message: 'At most 1 image(s) may be provided in one request.' } } } } },
      { script: { chunks: 5, fault: { type: 'reset', afterChunks: 2 } } },
      { script: { chunks: 5, fault: { type: 'error-chunk', afterChunks: 1, code: 503, message: 'engine overloaded' } } },
      { script: { fault: { type: 'no-choices' } } },
      { script: {}, apiKey: 'sk-wrong-key' },
      { script: {}, baseUrl: `http://127.0.0.1:${refused}/v1` },
    ];
    for (const c of cases) {
      const inProcess = await failure(backend(c.script, 0, c).generate(request, signal()));
      const inWorker = await failure(backend(c.script, 1, c).generate(request, signal()));
      expect(inWorker, JSON.stringify(c)).toEqual(inProcess);
      expect(JSON.stringify(inWorker)).not.toContain('sk-wrong-key');
    }
  });

  it('end a stalled stream when the caller aborts, with the caller\'s reason', async () => {
    const b = backend({ chunks: 5, fault: { type: 'stall', afterChunks: 1 } }, 1);
    const ac = new AbortController();
    const reason = new DOMException('per-request timeout', 'TimeoutError');
    const p = b.generate(request, ac.signal);
    setTimeout(() => ac.abort(reason), 100);
    await expect(p).rejects.toBe(reason);
    // the worker is free for the next request
    expect((await backend({ chunks: 2 }, 1).generate(request, signal())).text).toBe('w0 w1 ');
  });

  it('measure their own event-loop delay: a worker blocked on every turn reads over the limit', async () => {
    const pool = createClientPool({ workers: 1, stallMs: 3 * LOOP_DELAY_P99_LIMIT_MS });
    opened.push(pool);
    await pool.resetLoopDelay();
    await new Promise((r) => setTimeout(r, 400));
    const [stats] = await pool.loopDelay();
    // every turn of that loop blocks for 30 ms, so every tick of the monitor is at least that late
    expect(stats.p99Ms).toBeGreaterThan(LOOP_DELAY_P99_LIMIT_MS);
    expect(stats.samples).toBeGreaterThan(0);
  });

  it('refuse requests once closed', async () => {
    const pool = createClientPool({ workers: 1 });
    await pool.close();
    await expect(pool.post({ url: server.baseUrl, headers: {}, body: '{}', maxResponseBytes: 1024, maxErrorBytes: 1024 }, signal())).rejects.toThrow(/closed/);
  });
});
