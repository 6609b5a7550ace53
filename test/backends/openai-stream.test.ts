import { describe, expect, it } from 'vitest';
import { readChatStream } from '../../src/backends/openai-stream.ts';

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
