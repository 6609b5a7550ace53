// The OpenAI backend against the scripted loopback server: payload shape, timing definitions,
// token sources and wire framing. Error mapping is in openai-errors.test.ts.

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiBackend } from '../../src/backends/openai.ts';
import { servingMetrics } from '../../src/run/serving-metrics.ts';
import { seededUniform } from '../../src/run/stats.ts';
import type { ImageInput, Request } from '../../src/types.ts';
import { startOpenAiServer, type ScriptedServer, type StreamScript } from '../helpers/openai-server.ts';

function request(over: Partial<Request> = {}): Request {
  return {
    sampleId: 's1',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is shown?' }] }],
    maxTokens: 32,
    temperature: 0,
    ...over,
  };
}

const signal = () => new AbortController().signal;

/** A noisy image (so PNG cannot compress it much), made here rather than stored as a fixture. */
async function image(format: 'png' | 'gif', width = 8, height = 6): Promise<ImageInput> {
  const rand = seededUniform(width * 31 + height);
  const pixels = Buffer.from(Array.from({ length: width * height * 3 }, () => Math.floor(rand() * 256)));
  const img = sharp(pixels, { raw: { width, height, channels: 3 } });
  const bytes = new Uint8Array(format === 'png' ? await img.png().toBuffer() : await img.gif().toBuffer());
  return { bytes, mime: format === 'png' ? 'image/png' : 'image/gif', width, height };
}

function within(actual: number, expected: number, rel = 0.05): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(expected * rel);
}

describe('openai backend: payload and models', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startOpenAiServer({ models: ['llama-3.2-11b-vision', 'other'], script: { chunks: 2 } });
  });
  afterAll(() => server.close());

  it('describe() takes the first served model when none is given, and asks only once', async () => {
    const backend = createOpenAiBackend({ baseUrl: `${server.baseUrl}/` });
    expect(backend.id).toBe('openai');
    expect(backend.maxImages).toBe(16);
    expect(await backend.describe()).toEqual({ id: 'llama-3.2-11b-vision', backend: 'openai', dtype: null });
    await backend.generate(request(), signal());
    expect(server.requests.filter((r) => r.path === '/v1/models')).toHaveLength(1);
    expect(server.chatBodies().at(-1)?.model).toBe('llama-3.2-11b-vision');
  });

  it('describe() with a given model makes no request', async () => {
    const before = server.requests.length;
    const backend = createOpenAiBackend({ baseUrl: server.baseUrl, model: 'mine', maxImages: 1 });
    expect(await backend.describe()).toMatchObject({ id: 'mine' });
    expect(backend.maxImages).toBe(1);
    expect(server.requests.length).toBe(before);
  });

  it('sends vLLM openai-chat fields, image data URLs and extraBody', async () => {
    const png = await image('png');
    const gif = await image('gif');
    const backend = createOpenAiBackend({
      baseUrl: server.baseUrl,
      model: 'm',
      apiKey: 'sk-abc',
      extraBody: { ignore_eos: true, top_k: 1, stream_options: { continuous_usage_stats: false } },
    });
    const gen = await backend.generate(
      request({
        maxTokens: 7,
        temperature: 0,
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
          { role: 'user', content: [{ type: 'image', image: png }, { type: 'text', text: 'Q?' }, { type: 'image', image: gif }] },
        ],
      }),
      signal(),
    );
    expect(gen.text).toBe('w0 w1 ');
    const body = server.chatBodies().at(-1) as Record<string, unknown>;
    expect(body).toMatchObject({
      model: 'm',
      max_completion_tokens: 7,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true, continuous_usage_stats: false },
      ignore_eos: true,
      top_k: 1,
    });
    expect(body).not.toHaveProperty('max_tokens');
    const messages = body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    expect(messages[0]).toEqual({ role: 'system', content: [{ type: 'text', text: 'Be brief.' }] });
    const [first, text, third] = messages[1].content;
    expect(text).toEqual({ type: 'text', text: 'Q?' });
    // PNG goes as its original bytes; GIF is re-encoded to PNG.
    expect(first).toEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from(png.bytes).toString('base64')}` } });
    const url = (third.image_url as { url: string }).url;
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const meta = await sharp(Buffer.from(url.split(',')[1], 'base64')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 8, 6]);
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer sk-abc');
  });

  it('re-encodes an image over the size cap to JPEG, and refuses one that cannot fit', async () => {
    const png = await image('png', 64, 64);
    const backend = createOpenAiBackend({ baseUrl: server.baseUrl, model: 'm', maxImageBytes: png.bytes.length - 1 });
    await backend.generate(request({ messages: [{ role: 'user', content: [{ type: 'image', image: png }] }] }), signal());
    const part = (server.chatBodies().at(-1)?.messages as Array<{ content: Array<{ image_url: { url: string } }> }>)[0].content[0];
    expect(part.image_url.url.startsWith('data:image/jpeg;base64,')).toBe(true);

    const tiny = createOpenAiBackend({ baseUrl: server.baseUrl, model: 'm', maxImageBytes: 10 });
    await expect(tiny.generate(request({ messages: [{ role: 'user', content: [{ type: 'image', image: png }] }] }), signal()))
      .rejects.toMatchObject({ name: 'BackendError', kind: 'input', retryable: false });
  });

  it('refuses more images than maxImages and raw prompts, as input errors', async () => {
    const png = await image('png');
    const backend = createOpenAiBackend({ baseUrl: server.baseUrl, model: 'm', maxImages: 1 });
    const two = request({ messages: [{ role: 'user', content: [{ type: 'image', image: png }, { type: 'image', image: png }] }] });
    await expect(backend.generate(two, signal())).rejects.toMatchObject({ kind: 'input' });
    await expect(backend.generate(request({ rawPrompt: '<|image|>Q' }), signal())).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringContaining('chat-template bypass'),
    });
  });
});

describe('openai backend: timing (vLLM definitions)', () => {
  // T = 120 ms to the first chunk, then one chunk every D = 40 ms. Each case runs R requests one
  // after the other (at once, their dispatches would queue behind each other and add to TTFT).
  // A busy machine can only delay a request, never speed it up, so TTFT and E2EL are checked on the
  // fastest request (and no request may beat the script), while TPOT and ITL, whose noise goes both
  // ways, are checked on their medians.
  const T = 120;
  const D = 40;
  const R = 5;
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startOpenAiServer({
      script: (body) => (body as { script?: StreamScript }).script ?? {},
    });
    // Warm up the connection pool and the JIT so the measured requests are not special.
    const warm = createOpenAiBackend({ baseUrl: server.baseUrl, model: 'm' });
    await Promise.all(Array.from({ length: R }, () => warm.generate(request(), signal())));
  });
  afterAll(() => server.close());

  async function measure(script: StreamScript) {
    const backend = createOpenAiBackend({ baseUrl: server.baseUrl, model: 'm', extraBody: { script } });
    const gens = [];
    for (let i = 0; i < R; i++) gens.push(await backend.generate(request(), signal()));
    const records = gens.map((g) => ({ timing: g.timing!, outputTokens: g.outputTokens, promptTokens: g.promptTokens, images: 0 }));
    const fastest = {
      ttft: Math.min(...records.map((r) => r.timing.firstTokenMs! - r.timing.startMs)),
      e2el: Math.min(...records.map((r) => r.timing.endMs - r.timing.startMs)),
    };
    return { gens, m: servingMetrics(records, 1), fastest };
  }

  // A retry re-measures after a rare scheduling hiccup of the whole machine; a wrong definition
  // fails every attempt.
  it('one token per chunk: TTFT = T, TPOT = D, ITL = D, usage from the server', { retry: 2 }, async () => {
    const n = 10;
    const { gens, m, fastest } = await measure({ firstChunkMs: T, intervalMs: D, chunks: n, promptTokens: 99 });
    for (const gen of gens) {
      expect(gen.tokenSource).toBe('server');
      expect(gen.outputTokens).toBe(n);
      expect(gen.promptTokens).toBe(99);
      const t = gen.timing!;
      expect(t.chunkMs).toHaveLength(n);
      expect(t.firstTokenMs).toBe(t.chunkMs[0]);
      expect(t.endMs).toBe(t.chunkMs[n - 1]);
    }
    expect(fastest.ttft).toBeGreaterThan(T - 2); // timers may fire up to ~1 ms early
    within(fastest.ttft, T);
    within(fastest.e2el, T + (n - 1) * D);
    within(m.tpotMs!.p50, D);
    within(m.itlMs!.p50, D);
  });

  it('role-only first delta counts as the first token; multi-token chunks keep TPOT per token', { retry: 2 }, async () => {
    const n = 8;
    const k = 3;
    const { gens, m, fastest } = await measure({ firstChunkMs: T, intervalMs: D, chunks: n, tokensPerChunk: k, roleDelta: true });
    for (const gen of gens) {
      expect(gen.outputTokens).toBe(n * k);
      expect(gen.timing!.chunkMs).toHaveLength(n + 1); // the role delta is a choice event
    }
    expect(fastest.ttft).toBeGreaterThan(T - 2);
    within(fastest.ttft, T);
    within(fastest.e2el, T + n * D);
    within(m.tpotMs!.p50, (n * D) / (n * k - 1));
    within(m.itlMs!.p50, D); // per chunk, so ITL > TPOT here
  });

  it('without usage, output tokens are estimated as content-carrying chunks', async () => {
    const { gens: [gen] } = await measure({ chunks: 5, tokensPerChunk: 2, roleDelta: true, usage: false });
    expect(gen.tokenSource).toBe('estimate');
    expect(gen.outputTokens).toBe(5);
    expect(gen.promptTokens).toBeUndefined();
    expect(gen.text).toBe('w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 ');
  });

  for (const framing of ['split', 'merged'] as const) {
    for (const extra of [{}, { keepAlive: true }, { crlf: true, keepAlive: true }]) {
      it(`reads ${framing} framing ${JSON.stringify(extra)}`, async () => {
        const { gens: [gen] } = await measure({ chunks: 4, roleDelta: true, framing, ...extra });
        expect(gen.text).toBe('w0 w1 w2 w3 ');
        expect(gen.outputTokens).toBe(4);
        expect(gen.tokenSource).toBe('server');
        expect(gen.timing!.chunkMs).toHaveLength(5);
      });
    }
  }
});

describe('openai backend: undecodable image', () => {
  it('is an input error, not a crash', async () => {
    const backend = createOpenAiBackend({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm' });
    const broken: ImageInput = { bytes: new Uint8Array([71, 73, 70, 56, 57, 97, 0, 1]), mime: 'image/gif', width: 1, height: 1 };
    await expect(backend.generate(request({ messages: [{ role: 'user', content: [{ type: 'image', image: broken }] }] }), signal()))
      .rejects.toMatchObject({ name: 'BackendError', kind: 'input' });
  });
});
