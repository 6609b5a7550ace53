import { describe, expect, it } from 'vitest';
import { createChatStreamReader, readChatStream, type ChatStreamResult } from '../../src/backends/openai-stream.ts';

const enc = new TextEncoder();

/** One read per event, so a clock that ticks per read gives each event its own arrival time. */
function eventsStream(events: unknown[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (i === events.length) return c.close();
      const e = events[i++];
      c.enqueue(enc.encode(`data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`));
    },
  });
}

function ticking(step = 10): () => number {
  let t = 0;
  return () => (t += step);
}

const delta = (d: Record<string, unknown>, usage: unknown = null) => ({ choices: [{ index: 0, delta: d, finish_reason: null }], usage });

describe('readChatStream', () => {
  it('times choice events only: role delta first, usage chunk and [DONE] excluded', async () => {
    const s = await readChatStream(
      eventsStream([
        delta({ role: 'assistant', content: '' }),
        delta({ content: 'Hel' }),
        delta({ content: 'lo' }),
        { choices: [], usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 } },
        '[DONE]',
      ]),
      { now: ticking() },
    );
    expect(s).toEqual({
      text: 'Hello',
      firstTokenMs: 10,
      chunkMs: [10, 20, 30],
      endMs: 30,
      contentChunks: 2,
      promptTokens: 12,
      completionTokens: 2,
      done: true,
      events: 5,
      bytes: expect.any(Number),
      head: expect.stringMatching(/^data: \{"choices"/),
    });
  });

  it('takes the last usage when every chunk carries one (continuous_usage_stats)', async () => {
    const s = await readChatStream(
      eventsStream([delta({ content: 'a' }, { prompt_tokens: 3, completion_tokens: 1 }), delta({ content: 'b' }, { prompt_tokens: 3, completion_tokens: 2 })]),
      { now: ticking() },
    );
    expect([s.completionTokens, s.promptTokens, s.done]).toEqual([2, 3, false]);
  });

  it('keeps the last finish_reason, so a stream cut short can be told from one that ended without [DONE]', async () => {
    const finished = await readChatStream(eventsStream([delta({ content: 'a' }), { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }]), { now: ticking() });
    expect([finished.finishReason, finished.done]).toEqual(['stop', false]);
    const cut = await readChatStream(eventsStream([delta({ content: 'a' })]), { now: ticking() });
    expect([cut.finishReason, cut.done]).toEqual([undefined, false]);
  });

  it('throws on an error chunk (OpenAI and vLLM shapes), retryable for 5xx codes', async () => {
    await expect(readChatStream(eventsStream([delta({ content: 'a' }), { error: { message: 'engine dead', code: 500 } }]), { now: ticking() }))
      .rejects.toMatchObject({ name: 'BackendError', retryable: true, status: 500, message: expect.stringContaining('engine dead') });
    await expect(readChatStream(eventsStream([{ object: 'error', message: 'bad image', type: 'BadRequestError', code: 400 }]), { now: ticking() }))
      .rejects.toMatchObject({ retryable: false, message: expect.stringContaining('bad image') });
  });

  it('throws on a chunk that is not JSON', async () => {
    await expect(readChatStream(eventsStream(['{"choices": [']), { now: ticking() })).rejects.toMatchObject({ name: 'BackendError' });
  });
});

describe('createChatStreamReader (reads pushed as they arrive)', () => {
  const wire = [
    delta({ role: 'assistant', content: '' }),
    delta({ content: 'naïve ☃ ' }),
    delta({ content: 'x' }),
    { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    { choices: [], usage: { prompt_tokens: 4, completion_tokens: 3 } },
    '[DONE]',
  ]
    .map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\r\n\r\n`)
    .join('');
  const bytes = enc.encode(wire);

  function readAt(cuts: number[]): ChatStreamResult {
    const r = createChatStreamReader();
    let prev = 0;
    for (const [i, c] of [...cuts, bytes.length].entries()) {
      r.push(bytes.slice(prev, c), 100 * (i + 1));
      prev = c;
    }
    return r.end();
  }

  it('gives what readChatStream gives, the arrival being the read that completed each event, at every split', async () => {
    const whole = readAt([]);
    expect(whole).toMatchObject({ text: 'naïve ☃ x', chunkMs: [100, 100, 100, 100], contentChunks: 2, promptTokens: 4, completionTokens: 3, done: true, finishReason: 'stop', events: 6, bytes: bytes.length });
    let i = 0;
    const fromStream = await readChatStream(
      new ReadableStream<Uint8Array>({
        pull(c) {
          if (i++ === 0) c.enqueue(bytes);
          else c.close();
        },
      }),
      { now: () => 100 },
    );
    expect(fromStream).toEqual(whole);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const s = readAt([cut]);
      expect({ ...s, chunkMs: [], firstTokenMs: 0, endMs: 0, head: '' }, `cut at ${cut}`).toEqual({ ...whole, chunkMs: [], firstTokenMs: 0, endMs: 0, head: '' });
      // an event belongs to the read that ended its blank line: the CR of its last CRLF
      const ends = [...wire.matchAll(/\r\n\r\n/g)].map((m) => enc.encode(wire.slice(0, m.index + 3)).length);
      expect(s.chunkMs, `cut at ${cut}`).toEqual(ends.slice(0, 4).map((end) => (end <= cut ? 100 : 200)));
    }
  });

  it("throws the stream's error and a malformed chunk as BackendErrors, and a body past maxBytes", () => {
    const error = createChatStreamReader();
    expect(() => error.push(enc.encode('data: {"error":{"message":"engine dead","code":503}}\n\n'), 1)).toThrow(expect.objectContaining({ name: 'BackendError', retryable: true, status: 503 }));
    const malformed = createChatStreamReader();
    expect(() => malformed.push(enc.encode('data: {"choices": [\n\n'), 1)).toThrow(/Malformed stream chunk/);
    const big = createChatStreamReader({ maxBytes: 10 });
    expect(() => big.push(enc.encode('data: 0123456789\n\n'), 1)).toThrow(/exceeded --max-response-bytes 10/);
  });
});
