import { describe, expect, it } from 'vitest';
import { createChatStreamReader, type ChatStreamResult } from '../../src/backends/openai-stream.ts';

const enc = new TextEncoder();

/** Each event pushed as its own read, the reads arriving 10 ms apart from 10 ms. */
function readEvents(events: unknown[]): ChatStreamResult {
  const r = createChatStreamReader();
  events.forEach((e, i) => r.push(enc.encode(`data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`), 10 * (i + 1)));
  return r.end();
}

const delta = (d: Record<string, unknown>, usage: unknown = null) => ({ choices: [{ index: 0, delta: d, finish_reason: null }], usage });

describe('createChatStreamReader, one event per read', () => {
  it('times choice events only: role delta first, usage chunk and [DONE] excluded', () => {
    const s = readEvents([
      delta({ role: 'assistant', content: '' }),
      delta({ content: 'Hel' }),
      delta({ content: 'lo' }),
      { choices: [], usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 } },
      '[DONE]',
    ]);
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

  it('takes the last usage when every chunk carries one (continuous_usage_stats)', () => {
    const s = readEvents([delta({ content: 'a' }, { prompt_tokens: 3, completion_tokens: 1 }), delta({ content: 'b' }, { prompt_tokens: 3, completion_tokens: 2 })]);
    expect([s.completionTokens, s.promptTokens, s.done]).toEqual([2, 3, false]);
  });

  it('keeps the last finish_reason, so a stream cut short can be told from one that ended without [DONE]', () => {
    const finished = readEvents([delta({ content: 'a' }), { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }]);
    expect([finished.finishReason, finished.done]).toEqual(['stop', false]);
    const cut = readEvents([delta({ content: 'a' })]);
    expect([cut.finishReason, cut.done]).toEqual([undefined, false]);
  });

  it('throws on an error chunk (OpenAI and vLLM shapes), retryable for 5xx codes', () => {
    expect(() => readEvents([delta({ content: 'a' }), { error: { message: 'engine dead', code: 500 } }]))
      .toThrow(expect.objectContaining({ name: 'BackendError', retryable: true, status: 500, message: expect.stringContaining('engine dead') }));
    expect(() => readEvents([{ object: 'error', message: 'bad image', type: 'BadRequestError', code: 400 }]))
      .toThrow(expect.objectContaining({ retryable: false, message: expect.stringContaining('bad image') }));
  });

  it('throws on a chunk that is not JSON', () => {
    expect(() => readEvents(['{"choices": ['])).toThrow(expect.objectContaining({ name: 'BackendError' }));
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

  it('gives the same result at every split, the arrival being the read that completed each event', () => {
    const whole = readAt([]);
    expect(whole).toMatchObject({ text: 'naïve ☃ x', chunkMs: [100, 100, 100, 100], contentChunks: 2, promptTokens: 4, completionTokens: 3, done: true, finishReason: 'stop', events: 6, bytes: bytes.length });
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
