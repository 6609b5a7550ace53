// Failure handling of the OpenAI backend against scripted faults: what is retryable, what carries
// the server's message, how an abort ends a stalled stream, the max_tokens fallback, and that the
// API key never appears in anything thrown.

import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError, isRetryable } from '../../src/backends/backend-error.ts';
import { createOpenAiBackend } from '../../src/backends/openai.ts';
import type { Request } from '../../src/types.ts';
import { startOpenAiServer, type ScriptedServer, type StreamScript } from '../helpers/openai-server.ts';

const KEY = 'sk-test-SECRET-0123456789';

const request: Request = {
  sampleId: 's',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  maxTokens: 16,
  temperature: 0,
};

/** Every string a thrown error exposes: message, stack, own enumerable fields, cause chain. */
function exposed(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 5; depth++) {
    if (cur instanceof Error) parts.push(cur.message, cur.stack ?? '', JSON.stringify({ ...cur }));
    else parts.push(String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join('\n');
}

async function failure(p: Promise<unknown>): Promise<BackendError> {
  const e = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
  expect(exposed(e)).not.toContain(KEY);
  return e as BackendError;
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('openai backend: failures', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startOpenAiServer({
      requireKey: KEY,
      script: (body) => (body as { script?: StreamScript }).script ?? {},
    });
  });
  afterAll(() => server.close());

  const backendWith = (script: StreamScript, over: { apiKey?: string } = {}) =>
    createOpenAiBackend({ baseUrl: server.baseUrl, model: 'm', apiKey: KEY, extraBody: { script }, ...over });
  const run = (script: StreamScript, signal = new AbortController().signal) => backendWith(script).generate(request, signal);

  it('429 is retryable and carries Retry-After (seconds or HTTP-date)', async () => {
    const e = await failure(run({ fault: { type: 'status', status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'slow down' } } } }));
    expect(e).toBeInstanceOf(BackendError);
    expect(e).toMatchObject({ kind: 'backend', retryable: true, status: 429, retryAfterMs: 2000 });
    expect(isRetryable(e)).toBe(true);
    expect(e.message).toContain('slow down');

    const date = new Date(Date.now() + 30_000).toUTCString();
    const d = await failure(run({ fault: { type: 'status', status: 429, headers: { 'retry-after': date } } }));
    expect(d.retryAfterMs).toBeGreaterThan(25_000);
    expect(d.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('a 429 followed by success works when the caller retries', async () => {
    const flaky = await startOpenAiServer({ script: [{ fault: { type: 'status', status: 429, headers: { 'retry-after': '0' } } }, { chunks: 2 }] });
    try {
      const backend = createOpenAiBackend({ baseUrl: flaky.baseUrl, model: 'm' });
      const e = await failure(backend.generate(request, new AbortController().signal));
      expect(e).toMatchObject({ retryable: true, retryAfterMs: 0 });
      expect((await backend.generate(request, new AbortController().signal)).text).toBe('w0 w1 ');
    } finally {
      await flaky.close();
    }
  });

  it('500 is retryable', async () => {
    const e = await failure(run({ fault: { type: 'status', status: 500, body: 'Internal Server Error' } }));
    expect(e).toMatchObject({ retryable: true, status: 500 });
    expect(e.retryAfterMs).toBeUndefined();
  });

  it('400 is final and carries the server message', async () => {
    const message = 'At most 1 image(s) may be provided in one request.';
    const e = await failure(run({ fault: { type: 'status', status: 400, body: { error: { message, type: 'BadRequestError', code: 400 } } } }));
    expect(e).toMatchObject({ kind: 'backend', retryable: false, status: 400 });
    expect(e.message).toContain(message);
    expect(isRetryable(e)).toBe(false);
  });

  it('a reset mid-stream is retryable', async () => {
    const e = await failure(run({ chunks: 5, fault: { type: 'reset', afterChunks: 2 } }));
    expect(e).toMatchObject({ name: 'BackendError', retryable: true });
  });

  it('an error chunk mid-stream is a BackendError with its message', async () => {
    const e = await failure(run({ chunks: 5, fault: { type: 'error-chunk', afterChunks: 1, code: 503, message: 'engine overloaded' } }));
    expect(e).toMatchObject({ retryable: true, status: 503 });
    expect(e.message).toContain('engine overloaded');
  });

  it('a stream with no choice event is a BackendError', async () => {
    const e = await failure(run({ fault: { type: 'no-choices' } }));
    expect(e).toMatchObject({ name: 'BackendError', retryable: false });
  });

  it('aborting the signal ends a stalled stream with the abort reason', async () => {
    for (const afterChunks of [0, 2]) {
      const ac = new AbortController();
      const p = run({ chunks: 5, fault: { type: 'stall', afterChunks } }, ac.signal);
      setTimeout(() => ac.abort(), 150);
      const e = await failure(p);
      expect(e).toMatchObject({ name: 'AbortError' });
    }
    const ac = new AbortController();
    const timeout = new DOMException('per-request timeout', 'TimeoutError');
    const p = run({ fault: { type: 'stall' } }, ac.signal);
    setTimeout(() => ac.abort(timeout), 50);
    expect(await failure(p)).toBe(timeout);
  }, 15_000);

  it('falls back to max_tokens once when the server rejects max_completion_tokens, and remembers it', async () => {
    const old = await startOpenAiServer({
      script: (body) =>
        'max_completion_tokens' in body
          ? { fault: { type: 'status', status: 400, body: { object: 'error', message: "Unrecognized request argument supplied: max_completion_tokens" } } }
          : { chunks: 1 },
    });
    try {
      const backend = createOpenAiBackend({ baseUrl: old.baseUrl, model: 'm' });
      await backend.generate(request, new AbortController().signal);
      await backend.generate(request, new AbortController().signal);
      const bodies = old.chatBodies();
      expect(bodies.map((b) => ('max_completion_tokens' in b ? 'mct' : 'mt'))).toEqual(['mct', 'mt', 'mt']);
      expect(bodies[1].max_tokens).toBe(16);
    } finally {
      await old.close();
    }
  });

  it('401 says how to set the key and never prints it', async () => {
    const wrong = `${KEY}-wrong`;
    const rejected = createOpenAiBackend({ baseUrl: server.baseUrl, model: 'm', apiKey: wrong });
    const e = await failure(rejected.generate(request, new AbortController().signal));
    expect(exposed(e)).not.toContain(wrong);
    expect(e).toMatchObject({ retryable: false, status: 401 });
    expect(e.message).toContain('OPENAI_API_KEY');
    expect(e.message).toContain('--api-key-env');

    const none = createOpenAiBackend({ baseUrl: server.baseUrl, model: 'm' });
    const n = await failure(none.generate(request, new AbortController().signal));
    expect(n.message).toMatch(/set OPENAI_API_KEY/);

    const d = await failure(createOpenAiBackend({ baseUrl: server.baseUrl, apiKey: wrong }).describe());
    expect(exposed(d)).not.toContain(wrong);
    expect(d.message).toContain('OPENAI_API_KEY');
  });

  it('connection refused is retryable; describe() names the URL but not the key', async () => {
    const port = await closedPort();
    const baseUrl = `http://127.0.0.1:${port}/v1`;
    const e = await failure(createOpenAiBackend({ baseUrl, model: 'm', apiKey: KEY }).generate(request, new AbortController().signal));
    expect(e).toMatchObject({ retryable: true });
    expect(e.message).toContain(`127.0.0.1:${port}`);

    const d = await failure(createOpenAiBackend({ baseUrl, apiKey: KEY }).describe());
    expect(d.name).toBe('UserError');
    expect(d.message).toContain(`${baseUrl}/models`);
  });

  it('a key echoed by the server in an error body is redacted', async () => {
    const echo = await startOpenAiServer({ script: { fault: { type: 'status', status: 500, body: { error: { message: `bad token ${KEY} given` } } } } });
    try {
      const e = await failure(createOpenAiBackend({ baseUrl: echo.baseUrl, model: 'm', apiKey: KEY }).generate(request, new AbortController().signal));
      expect(e.message).toContain('bad token *** given');
    } finally {
      await echo.close();
    }
  });

  it('a 200 with a JSON or HTML body instead of an event stream is a final error that says so', async () => {
    const json = await failure(run({ fault: { type: 'plain-body' } }));
    expect(json).toMatchObject({ name: 'BackendError', retryable: false });
    expect(json.message).toMatch(/application\/json.*JSON body instead of an event stream.*ignored "stream": true/);
    const html = await failure(run({ fault: { type: 'plain-body', text: '<html><body>Bad gateway page</body></html>' } }));
    expect(html).toMatchObject({ retryable: false });
    expect(html.message).toMatch(/text\/html.*no server-sent events.*Bad gateway page/);
  });

  it('a stream that ends without [DONE] or a finish_reason is kept but flagged incomplete', async () => {
    const g = await backendWith({ chunks: 3, fault: { type: 'no-done' } }).generate(request, new AbortController().signal);
    expect(g.text).toBe('w0 w1 w2 ');
    expect(g.incomplete).toMatch(/without \[DONE\]/);
    const whole = await run({ chunks: 2 });
    expect(whole.incomplete).toBeUndefined();
  });

  it('a response over maxResponseBytes errors (final) after reading about that much', async () => {
    const big = await startOpenAiServer({ script: { chunks: 40, chunkChars: 256 * 1024 } });
    try {
      const backend = createOpenAiBackend({ baseUrl: big.baseUrl, model: 'm', maxResponseBytes: 1 << 20 });
      const e = await failure(backend.generate(request, new AbortController().signal));
      expect(e).toMatchObject({ name: 'BackendError', retryable: false });
      expect(e.message).toMatch(/exceeded --max-response-bytes 1048576/);
    } finally {
      await big.close();
    }
    expect(big.streamedBytes()).toBeLessThan(40 * 256 * 1024);
  });

  it('a huge error body is read only as far as the message needs', async () => {
    const huge = await startOpenAiServer({ script: { fault: { type: 'status', status: 400, body: `oops ${'z'.repeat(8 << 20)}` } } });
    try {
      const e = await failure(createOpenAiBackend({ baseUrl: huge.baseUrl, model: 'm' }).generate(request, new AbortController().signal));
      expect(e.message).toMatch(/^HTTP 400 .*: oops z+…$/);
      expect(e.message.length).toBeLessThan(700);
    } finally {
      await huge.close();
    }
  });

  it('a 401 while listing models is final for generate(), not retried', async () => {
    const e = await failure(createOpenAiBackend({ baseUrl: server.baseUrl, apiKey: `${KEY}-wrong` }).generate(request, new AbortController().signal));
    expect(e).toMatchObject({ name: 'BackendError', retryable: false, status: 401 });
  });

  it('refuses a base URL that is not http(s) or that carries credentials, without echoing them', () => {
    expect(() => createOpenAiBackend({ baseUrl: 'notaurl' })).toThrow(expect.objectContaining({ name: 'UserError', exitCode: 2, message: expect.stringMatching(/is not a URL/) }));
    expect(() => createOpenAiBackend({ baseUrl: 'ftp://127.0.0.1/v1' })).toThrow(/not an http\(s\) URL/);
    let thrown: unknown;
    try {
      createOpenAiBackend({ baseUrl: 'http://alice:hunter2secret@127.0.0.1:8000/v1' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ name: 'UserError', exitCode: 2 });
    expect(exposed(thrown)).not.toContain('hunter2secret');
    expect((thrown as Error).message).toContain('http://***@127.0.0.1:8000/v1');
  });
});
