// The conversation layer on its own: grouping, the gold answer, turn k's prompt and request (the
// image once, the style's text for every question, llama-3.2's included), the order of turns, a turn
// that errors, resume from journaled turns, and the by-turn scores and timings.

import { describe, expect, it } from 'vitest';
import { getStyledSuite } from '../../suites/index.ts';
import { conversationPrompt } from '../../src/conversation/conversation-prompt.ts';
import { conversationKey, groupConversations } from '../../src/conversation/group-conversations.ts';
import { goldAnswer, historyAnswer } from '../../src/conversation/history-answer.ts';
import { NOT_ASKED, runConversation } from '../../src/conversation/run-conversation.ts';
import { createTurnCounts, turnMetrics } from '../../src/conversation/turn-metrics.ts';
import { createTurnPerf } from '../../src/conversation/turn-perf.ts';
import { anlsScorer } from '../../src/scorers/anls.ts';
import { cocoScorer } from '../../src/scorers/caption/coco.ts';
import { runSample } from '../../src/run/run-sample.ts';
import type { Sample, SampleResult } from '../../src/types.ts';
import { fakeSample, fakeSuite, pngBytes, scriptedBackend } from '../helpers/fake-suite.ts';

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function doc(id: string, docId: number | null, question = `q${id}`): Sample {
  return { id, images: [{ bytes: new Uint8Array([1]), path: null }], question, references: [`a${id}`], meta: { docId } };
}

describe('groupConversations', () => {
  it('groups consecutive equal keys in dataset order, splitting at maxTurns', async () => {
    const items = ['a1', 'a2', 'a3', 'b1', 'a4', 'c1', 'c2'];
    const groups = await collect(groupConversations(from(items), { key: (s) => s[0], maxTurns: 2 }));
    expect(groups).toEqual([['a1', 'a2'], ['a3'], ['b1'], ['a4'], ['c1', 'c2']]);
    expect(await collect(groupConversations(from(items), { key: (s) => s[0], maxTurns: 5 }))).toEqual([['a1', 'a2', 'a3'], ['b1'], ['a4'], ['c1', 'c2']]);
    expect(await collect(groupConversations(from([]), { key: String, maxTurns: 5 }))).toEqual([]);
  });

  it('keys by the suite’s field (docvqa: docId, vqav2: image_id), else by identical image bytes', async () => {
    const docvqa = getStyledSuite('docvqa');
    expect(conversationKey(docvqa, doc('1', 7))).toBe(conversationKey(docvqa, doc('2', 7)));
    expect(conversationKey(docvqa, doc('1', 7))).not.toBe(conversationKey(docvqa, doc('2', 8)));
    // a row that names no document is asked alone
    expect(conversationKey(docvqa, doc('1', null))).not.toBe(conversationKey(docvqa, doc('2', null)));
    expect(getStyledSuite('vqav2').conversationBy).toBe('image_id');
    const chartqa = getStyledSuite('chartqa');
    const red = await pngBytes(8, 6, '#ff0000');
    const a: Sample = { ...doc('1', null), images: [{ bytes: red, path: null }] };
    const b: Sample = { ...doc('2', null), images: [{ bytes: Uint8Array.from(red), path: 'other.png' }] };
    const c: Sample = { ...doc('3', null), images: [{ bytes: await pngBytes(8, 6, '#00ff00'), path: null }] };
    expect(conversationKey(chartqa, a)).toBe(conversationKey(chartqa, b));
    expect(conversationKey(chartqa, a)).not.toBe(conversationKey(chartqa, c));
    expect(conversationKey(chartqa, { ...a, images: [] })).not.toBe(conversationKey(chartqa, { ...b, images: [] }));
  });
});

describe('history answers', () => {
  it('gold is the most frequent reference, the first of equally frequent ones', () => {
    expect(goldAnswer(['2', 'two', '2', 'two', '3'])).toBe('2');
    expect(goldAnswer(['a', 'b', 'b', 'a'])).toBe('a');
    expect(goldAnswer(['yes', 'no', 'no'])).toBe('no');
    expect(goldAnswer([])).toBeNull();
  });

  it('model is the text as returned, unstripped; an errored turn has none', () => {
    const scored: SampleResult = { suite: 'docvqa', id: '1', state: 'scored', prediction: ' 4471-B\n', extracted: '4471-B', score: 1 };
    const errored: SampleResult = { suite: 'docvqa', id: '1', state: 'errored', prediction: null, extracted: null, score: null, error: { kind: 'timeout', message: 't' } };
    expect(historyAnswer('model', { references: ['x'] }, scored)).toBe(' 4471-B\n');
    expect(historyAnswer('model', { references: ['x'] }, errored)).toBeNull();
    expect(historyAnswer('gold', { references: ['x'] }, errored)).toBe('x');
  });
});

describe('conversationPrompt', () => {
  it('gives the image once, in the first user message, and the style’s text for every question', () => {
    const docvqa = getStyledSuite('docvqa');
    const [s1, s2, s3] = [doc('1', 7, 'Who?'), doc('2', 7, 'When?'), doc('3', 7, 'Where?')];
    const prompt = conversationPrompt(docvqa, [{ sample: s1, answer: 'Ann' }, { sample: s2, answer: ' 1999 ' }], s3);
    const post = '\nAnswer the question using a single word or phrase.';
    expect(prompt.messages).toEqual([
      { role: 'user', content: [{ type: 'image', index: 0 }, { type: 'text', text: `Who?${post}` }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Ann' }] },
      { role: 'user', content: [{ type: 'text', text: `When?${post}` }] },
      { role: 'assistant', content: [{ type: 'text', text: ' 1999 ' }] },
      { role: 'user', content: [{ type: 'text', text: `Where?${post}` }] },
    ]);
    // Meta's prompt (llama-3.2) for every turn too; its <|image|> stays in the first turn only
    const meta = conversationPrompt(getStyledSuite('docvqa', 'llama-3.2'), [{ sample: s1, answer: 'Ann' }], s2);
    const single = getStyledSuite('docvqa', 'llama-3.2').prompt(s2).messages[0].content.filter((p) => p.type === 'text');
    expect(meta.messages[2].content).toEqual(single);
    expect(meta.messages.flatMap((m) => m.content).filter((p) => p.type === 'image')).toHaveLength(1);
  });

  it('says a style’s system message once, at the start', () => {
    const withSystem = { prompt: (s: Sample) => ({ messages: [{ role: 'system' as const, content: [{ type: 'text' as const, text: 'Be brief.' }] }, ...fakeSuite.prompt(s).messages] }) };
    const p = conversationPrompt(withSystem, [{ sample: doc('1', 1), answer: 'x' }], doc('2', 1));
    expect(p.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
  });

  it('runSample sends the history with the first turn’s image, decoded once', async () => {
    const backend = scriptedBackend(() => 'ok');
    const s1 = await fakeSample('1', 'a');
    const s2: Sample = { ...(await fakeSample('2', 'b')), images: s1.images };
    await runSample({ suite: fakeSuite, sample: s2, history: [{ sample: s1, answer: 'first' }], backend, timeoutMs: 5000, maxRetries: 0, signal: new AbortController().signal });
    const m = backend.calls[0].messages;
    expect(m.map((x) => x.role)).toEqual(['user', 'assistant', 'user']);
    expect(m[0].content[0]).toMatchObject({ type: 'image', image: { mime: 'image/png', width: 8 } });
    expect(m[1].content).toEqual([{ type: 'text', text: 'first' }]);
    expect(m[2].content).toEqual([{ type: 'text', text: 'q2' }]);
  });
});

describe('runConversation', () => {
  const turns = [doc('1', 1), doc('2', 1), doc('3', 1)];

  async function run(p: { history: 'model' | 'gold'; finished?: Map<string, SampleResult>; fail?: string }) {
    const asked: Array<{ id: string; history: string[] }> = [];
    const results: SampleResult[] = [];
    await runConversation({
      suite: 'docvqa',
      turns,
      history: p.history,
      finished: (s) => p.finished?.get(s.id),
      ask: async (s, history) => {
        asked.push({ id: s.id, history: history.map((h) => h.answer) });
        if (s.id === p.fail) return { suite: 'docvqa', id: s.id, state: 'errored', prediction: null, extracted: null, score: null, error: { kind: 'timeout', message: 'late' } };
        return { suite: 'docvqa', id: s.id, state: 'scored', prediction: `said ${s.id}`, extracted: `said ${s.id}`, score: 0 };
      },
      onResult: (r) => results.push(r),
    });
    return { asked, results };
  }

  it('asks the turns in order, each with the answers before it, and stamps them', async () => {
    const { asked, results } = await run({ history: 'model' });
    expect(asked).toEqual([
      { id: '1', history: [] },
      { id: '2', history: ['said 1'] },
      { id: '3', history: ['said 1', 'said 2'] },
    ]);
    expect(results.map((r) => [r.id, r.conversation, r.turn])).toEqual([
      ['1', '1', 1],
      ['2', '1', 2],
      ['3', '1', 3],
    ]);
    expect((await run({ history: 'gold' })).asked.map((a) => a.history)).toEqual([[], ['a1'], ['a1', 'a2']]);
  });

  it('a turn that errors leaves the later ones errored, not asked, under model history; gold goes on', async () => {
    const model = await run({ history: 'model', fail: '2' });
    expect(model.asked.map((a) => a.id)).toEqual(['1', '2']);
    expect(model.results[2]).toMatchObject({ id: '3', state: 'errored', turn: 3, error: { kind: 'input', message: NOT_ASKED } });
    const gold = await run({ history: 'gold', fail: '2' });
    expect(gold.asked.map((a) => a.id)).toEqual(['1', '2', '3']);
    expect(gold.asked[2].history).toEqual(['a1', 'a2']);
  });

  it('resumes after the journaled turns, with their answers as history, asking nothing twice', async () => {
    const finished = new Map<string, SampleResult>([
      ['1', { suite: 'docvqa', id: '1', state: 'scored', prediction: 'journaled 1', extracted: '', score: 0, conversation: '1', turn: 1 }],
    ]);
    const { asked, results } = await run({ history: 'model', finished });
    expect(asked).toEqual([
      { id: '2', history: ['journaled 1'] },
      { id: '3', history: ['journaled 1', 'said 2'] },
    ]);
    expect(results.map((r) => r.id)).toEqual(['2', '3']);
  });
});

describe('by turn', () => {
  const result = (id: string, turn: number, prediction: string, timing?: { ttft: number; e2e: number; prompt: number }): SampleResult => ({
    suite: 'docvqa', id, state: 'scored', prediction, extracted: prediction, score: 0, conversation: 'c', turn,
    ...(timing ? { timing: { startMs: 0, firstTokenMs: timing.ttft, chunkMs: [timing.ttft], endMs: timing.e2e }, promptTokens: timing.prompt, outputTokens: 1 } : {}),
  });

  it('scores each turn on its own with the official metric: per-sample scorers and whole-set scorers alike', () => {
    const inputs = ['abc', 'xyz', 'abd', 'q'].map((prediction, i) => ({ id: String(i), prediction, references: ['abc'] }));
    const scoredTurns = [1, 2, 1, 3];
    const set = anlsScorer.scoreSet(inputs);
    const scores = set.samples.map((s) => s.score);
    const common = { primaryMetric: 'anls', turns: [1, 2, 3, 4], scoredTurns, scores, groups: inputs.map(() => undefined) };
    // ANLS aggregates per-sample scores (chunked final scoring keeps only those)
    const chunked = turnMetrics({ ...common, scorer: anlsScorer, inputs: null });
    expect(chunked.anls_turn_1.value).toBe(anlsScorer.scoreSet([inputs[0], inputs[2]]).aggregate.anls);
    expect(chunked.anls_turn_1.ci95).not.toBeNull();
    expect(chunked.anls_turn_2.value).toBe(0);
    expect(chunked.anls_turn_3.value).toBe(0);
    // a turn whose samples all errored is listed with no value
    expect(chunked.anls_turn_4).toEqual({ value: null, ci95: null });
    // a whole-set scorer scores each turn's inputs again: the same numbers here
    const { aggregate: _a, ...wholeSet } = anlsScorer;
    expect(turnMetrics({ ...common, scorer: wholeSet, inputs })).toEqual(chunked);
    // a corpus metric (CIDEr) gets the turn's own corpus statistics, and no interval
    const caption = (id: string, text: string) => ({ id, prediction: text, references: [text, 'a photo'] });
    const coco = turnMetrics({ scorer: cocoScorer, primaryMetric: 'CIDEr', turns: [1, 2], scoredTurns: [1, 1, 2], scores: [0, 0, 0], groups: [], inputs: [caption('a', 'a red bus'), caption('b', 'two cats'), caption('c', 'a red bus')] });
    expect(coco.CIDEr_turn_1.value).toBe(cocoScorer.scoreSet([caption('a', 'a red bus'), caption('b', 'two cats')]).aggregate.CIDEr);
    expect(coco.CIDEr_turn_2.ci95).toBeNull();
  });

  it('counts samples by turn, and conversations by their first turns', () => {
    const counts = createTurnCounts();
    const scored = (id: string, turn: number): SampleResult => ({ suite: 'docvqa', id, state: 'scored', prediction: 'p', extracted: 'p', score: 0, conversation: 'c', turn });
    for (const r of [scored('1', 1), scored('2', 2), scored('3', 1), scored('5', 3)]) counts.add(r);
    counts.add({ suite: 'docvqa', id: '4', state: 'errored', prediction: null, extracted: null, score: null, error: { kind: 'backend', message: 'x' }, conversation: 'c2', turn: 2 });
    counts.add({ ...scored('6', 1), turn: undefined });
    expect(counts.finish()).toEqual({
      conversations: 2,
      turns: [
        { turn: 1, samples: 2, scored: 2, errored: 0 },
        { turn: 2, samples: 2, scored: 1, errored: 1 },
        { turn: 3, samples: 1, scored: 1, errored: 0 },
      ],
    });
    expect(createTurnCounts().finish()).toBeNull();
  });

  it('times each turn: TTFT and E2E percentiles and the mean prompt size', () => {
    const perf = createTurnPerf();
    perf.add(result('1', 1, 'a', { ttft: 10, e2e: 20, prompt: 100 }));
    perf.add(result('2', 1, 'a', { ttft: 30, e2e: 40, prompt: 120 }));
    perf.add(result('3', 2, 'a', { ttft: 50, e2e: 90, prompt: 300 }));
    perf.add(result('4', 3, 'a')); // untimed (replay)
    perf.add({ ...result('5', 9, 'a'), turn: undefined });
    expect(perf.finish()).toEqual([
      { turn: 1, requests: 2, ttftMs: { p50: 20, p99: 29.8 }, e2eLatencyMs: { p50: 30, p99: 39.8 }, promptTokensMean: 110 },
      { turn: 2, requests: 1, ttftMs: { p50: 50, p99: 50 }, e2eLatencyMs: { p50: 90, p99: 90 }, promptTokensMean: 300 },
      { turn: 3, requests: 0, ttftMs: null, e2eLatencyMs: null, promptTokensMean: null },
    ]);
  });
});
