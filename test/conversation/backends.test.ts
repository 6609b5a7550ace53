// Conversations through the backends that run in-process: replay on every suite (the replayed
// answers become the history, grouping works for every suite's data) and the ONNX backend on the
// tiny SmolVLM (SmolVLM's chat template renders the history, the image stays in the first turn).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStyledSuite, SUITE_IDS } from '../../suites/index.ts';
import { toChatMessages } from '../../src/backends/onnx.ts';
import { loadOnnxModel } from '../../src/backends/onnx-load.ts';
import { createBackend } from '../../src/backends/registry.ts';
import { resolveLocalDataset, streamSamples, suiteOptions } from '../../src/data/dataset.ts';
import { resultsSchema } from '../../src/report/schema.ts';
import { runEval } from '../../src/run/eval.ts';
import { buildPlan } from '../../src/run/plan.ts';
import type { RunConfig } from '../../src/run/plan/run-config.ts';
import type { Backend, Generation, Message, Request, SampleResult } from '../../src/types.ts';

const TINY = fileURLToPath(new URL('../../models/tiny-smolvlm', import.meta.url));

/** A backend that records each request and what it answered. */
function recording(inner: Backend): Backend & { calls: Array<{ request: Request; text: string }> } {
  const calls: Array<{ request: Request; text: string }> = [];
  return {
    ...inner,
    calls,
    async generate(request, signal): Promise<Generation> {
      const g = await inner.generate(request, signal);
      calls.push({ request, text: g.text });
      return g;
    },
  };
}

function textOf(m: Message): string {
  return m.content.map((p) => (p.type === 'text' ? p.text : '<image>')).join('');
}

async function run(flags: RunConfig, backend: Backend) {
  const out = join(mkdtempSync(join(tmpdir(), 'conv-backend-')), 'run');
  const plan = buildPlan({ flags: { data: 'sample', conversation: true, out, ...flags }, defaults: { backend: 'replay', data: 'sample' } });
  const { results } = await runEval(plan, { signal: new AbortController().signal, backend });
  const samples = readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
  return { suite: resultsSchema.parse(results).suites[0], samples };
}

describe('replay with --conversation', () => {
  it.each(SUITE_IDS)('%s: the replayed answers are the history, every turn is scored and counted', async (suiteId) => {
    const suite = getStyledSuite(suiteId);
    const datasets = await Promise.all(suite.datasets(suiteOptions({})).map((spec) => resolveLocalDataset(suite, spec, 'sample')));
    const preds = join(mkdtempSync(join(tmpdir(), 'conv-preds-')), 'preds.jsonl');
    const lines: string[] = [];
    for await (const { sample } of streamSamples({ suite, datasets })) lines.push(JSON.stringify({ id: sample.id, prediction: ` answer of ${sample.id} ` }));
    writeFileSync(preds, `${lines.join('\n')}\n`);
    const backend = recording(await createBackend('replay', { predictions: preds }));
    const { suite: s, samples } = await run({ suite: suiteId, backend: 'replay', predictions: preds }, backend);
    expect(s.counts).toMatchObject({ total: lines.length, scored: lines.length, errored: 0 });
    for (const { request } of backend.calls) {
      const turn = samples.find((x) => x.id === request.sampleId)!.turn!;
      const assistants = request.messages.filter((m) => m.role === 'assistant');
      expect(assistants).toHaveLength(turn - 1);
      // each earlier turn's replayed answer, exactly, in order
      const earlier = samples.filter((x) => x.conversation === samples.find((y) => y.id === request.sampleId)!.conversation && x.turn! < turn);
      expect(assistants.map(textOf)).toEqual(earlier.map((x) => ` answer of ${x.id} `));
      expect(request.messages.flatMap((m) => m.content).filter((p) => p.type === 'image').length).toBeLessThanOrEqual(Math.max(1, suite.id === 'mmmu' ? 2 : 1));
    }
    const turns = s.conversation!.turns;
    expect(turns.reduce((n, t) => n + t.samples, 0)).toBe(lines.length);
    for (const t of turns) expect(s.metrics[`${s.primaryMetric}_turn_${t.turn}`]).toBeDefined();
    // the samples that share an image in each bundled file: 3 per DocVQA page (2 on the last), 2 per VQAv2 image, ChartQA chart and AI2D diagram
    const expected: Record<string, number[]> = { docvqa: [5, 5, 4], vqav2: [8, 8], chartqa: [8, 8], ai2d: [6, 6] };
    if (expected[suiteId]) expect(turns.map((t) => t.samples)).toEqual(expected[suiteId]);
    else expect(turns.map((t) => t.turn)).toEqual([1]);
    // replay is untimed: the turns are listed, with no requests timed
    expect(s.perf.byTurn!.map((t) => t.requests)).toEqual(turns.map(() => 0));
  });
});

describe('onnx (tiny SmolVLM) with --conversation', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await createBackend('onnx', { model: TINY });
  });
  afterAll(async () => {
    await backend.close?.();
  });

  it("renders the history with SmolVLM's chat template, the image in the first user turn", async () => {
    const m = await loadOnnxModel({ dir: TINY, dtype: 'fp32', device: 'cpu', threads: 1 });
    const image = { bytes: new Uint8Array(), mime: 'image/png' as const, width: 1, height: 1 };
    const messages: Message[] = [
      { role: 'user', content: [{ type: 'image', image }, { type: 'text', text: 'Describe the image.' }] },
      { role: 'assistant', content: [{ type: 'text', text: ' A red invoice.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Who sent it?' }] },
    ];
    const text = m.processor.apply_chat_template(toChatMessages(messages) as never, { add_generation_prompt: true, tokenize: false }) as unknown as string;
    expect(text).toBe('<|im_start|>User:<image>Describe the image.<end_of_utterance>\nAssistant:  A red invoice.<end_of_utterance>\nUser: Who sent it?<end_of_utterance>\nAssistant:');
    await m.model.dispose();
  }, 120_000);

  it('runs a DocVQA conversation end to end: each turn carries the answers generated before it', async () => {
    const rec = recording(backend);
    const { suite: s, samples } = await run({ suite: 'docvqa', backend: 'onnx', model: TINY, limit: 3 }, rec);
    expect(s.counts).toMatchObject({ total: 3, scored: 3, errored: 0 });
    expect(rec.calls.map((c) => c.request.messages.filter((m) => m.role === 'user').length)).toEqual([1, 2, 3]);
    expect(textOf(rec.calls[2].request.messages[1])).toBe(rec.calls[0].text);
    expect(textOf(rec.calls[2].request.messages[3])).toBe(rec.calls[1].text);
    expect(samples.map((x) => x.turn)).toEqual([1, 2, 3]);
    // the history makes each turn's prompt longer, by the tokenizer's own count
    const tokens = s.perf.byTurn!.map((t) => t.promptTokensMean!);
    expect(tokens[1]).toBeGreaterThan(tokens[0]);
    expect(tokens[2]).toBeGreaterThan(tokens[1]);
    expect(s.perf.byTurn!.every((t) => t.requests === 1 && t.ttftMs!.p50 > 0)).toBe(true);
  }, 120_000);
});
