// Reproducing the Llama 3.2 Vision model card, end to end in process: Meta's prompts reach the
// backend with the preset's token limits (a raw Llama 3 prompt for the transformers worker), chain-
// of-thought outputs replayed through the FINAL ANSWER rule, AI2D's option scoring per style, MMMU's
// 30 subjects with subject and discipline accuracies, the card's numbers in results.json and
// report.md, and the gate refusing to compare two prompt styles.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTransformersBackend } from '../../src/backends/transformers.ts';
import { resolveLocalDataset, streamSamples, suiteOptions } from '../../src/data/dataset.ts';
import { compareRuns } from '../../src/report/compare/compare.ts';
import { gateRuns } from '../../src/report/gate/gate.ts';
import { resultsSchema, type Results } from '../../src/report/schema.ts';
import { runEval } from '../../src/run/eval.ts';
import { buildPlan } from '../../src/run/plan.ts';
import type { RunConfig } from '../../src/run/plan/run-config.ts';
import { MMMU_DISCIPLINES } from '../../src/scorers/mmmu/mmmu-groups.ts';
import type { PromptStyle, SampleResult } from '../../src/types.ts';
import { getStyledSuite } from '../../suites/index.ts';
import { MMMU_SUBJECTS } from '../../suites/mmmu.ts';
import { writeMmmuSubjects } from '../helpers/mmmu-repo.ts';
import { startOpenAiServer } from '../helpers/openai-server.ts';
import { binarySamples, editRun, writeRun } from '../helpers/runs.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'wt17-card-'));
  dirs.push(d);
  return d;
}

async function replay(flags: RunConfig, predictions: Record<string, string>): Promise<{ results: Results; samples: SampleResult[]; dir: string }> {
  const dir = await tmp();
  const file = join(dir, 'preds.jsonl');
  await writeFile(file, Object.entries(predictions).map(([id, prediction]) => `${JSON.stringify({ id, prediction })}\n`).join(''));
  const plan = buildPlan({ flags: { backend: 'replay', predictions: file, data: 'sample', out: join(dir, 'run'), ...flags }, defaults: { backend: 'replay', data: 'sample' } });
  const outcome = await runEval(plan, { signal: new AbortController().signal });
  const results = resultsSchema.parse(JSON.parse(await readFile(join(outcome.runDir, 'results.json'), 'utf8')));
  const samples = (await readFile(join(outcome.runDir, 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
  return { results, samples, dir: outcome.runDir };
}

const scoreOf = (samples: SampleResult[]) => Object.fromEntries(samples.map((s) => [s.id, s.score]));

describe('chain-of-thought outputs through the FINAL ANSWER rule', () => {
  it('chartqa llama-3.2: last marker, markdown bold, several markers, no marker; no_final_answer counts the last', async () => {
    const preds = {
      'human_test-0': 'The tallest bar is Rome with 71 mm.\nFINAL ANSWER: 71',
      'augmented_test-1': 'Oslo 62, Pune 48 and Rome 71 are above 40.\n\n**FINAL ANSWER:** **3**',
      'augmented_test-2': 'FINAL ANSWER: 30\nWait, I misread the bar. FINAL ANSWER: 35.',
      'human_test-3': 'Coffee is 42 and Juice is 15, so the difference is 27.',
      'human_test-4': 'FINAL ANSWER: 2019\n\nI hope this helps.',
      'augmented_test-5': 'The 2020 point reads about 58.\nFINAL ANSWER: 58',
    };
    const { results, samples } = await replay({ suite: 'chartqa', promptStyle: 'llama-3.2', ids: Object.keys(preds) }, preds);
    const s = results.suites[0];
    expect(s.promptStyle).toBe('llama-3.2');
    // 58 is within ChartQA's 5% of 60; the answer without a marker is the whole sentence, so wrong
    expect(scoreOf(samples)).toEqual({ 'human_test-0': 1, 'augmented_test-1': 1, 'augmented_test-2': 1, 'human_test-3': 0, 'human_test-4': 1, 'augmented_test-5': 1 });
    expect(s.metrics.relaxed_accuracy.value).toBeCloseTo(5 / 6, 12);
    expect(s.metrics.no_final_answer).toEqual({ value: 1, ci95: null });
    expect(samples.filter((x) => x.state === 'scored' && x.noFinalAnswer).map((x) => x.id)).toEqual(['human_test-3']);
    expect(samples.find((x) => x.id === 'augmented_test-2')!.extracted).toBe('35');
  });

  it('the lmms-eval style has no marker to miss, so no no_final_answer figure', async () => {
    const { results } = await replay({ suite: 'chartqa', ids: ['human_test-0'] }, { 'human_test-0': '71' });
    expect(results.suites[0].metrics).not.toHaveProperty('no_final_answer');
    expect(results.suites[0].promptStyle).toBe('lmms-eval');
  });
});

describe('AI2D scored by exact option match', () => {
  const ids = ['test-0', 'test-1', 'test-2', 'test-3'];
  const run = (style: PromptStyle, outputs: string[]) =>
    replay({ suite: 'ai2d', promptStyle: style, ids }, Object.fromEntries(ids.map((id, i) => [id, outputs[i]])));

  it('lmms-eval: the gold letter, case and punctuation ignored', async () => {
    const { results, samples } = await run('lmms-eval', ['B', 'c.', '(C)', 'C) pupa']);
    expect(scoreOf(samples)).toEqual({ 'test-0': 1, 'test-1': 1, 'test-2': 1, 'test-3': 0 });
    expect(results.suites[0].metrics.exact_match.value).toBe(0.75);
  });

  it("llama-3.2 (11B): the option number after FINAL ANSWER, else the output's", async () => {
    const { results, samples } = await run('llama-3.2', ['Grass makes food.\nFINAL ANSWER: 2', 'FINAL ANSWER: **3**', 'So the correct option is 3.', 'FINAL ANSWER: 4']);
    expect(scoreOf(samples)).toEqual({ 'test-0': 1, 'test-1': 1, 'test-2': 1, 'test-3': 0 });
    expect(results.suites[0].metrics.no_final_answer.value).toBe(1);
  });

  it('llama-3.2-90b: the option digit alone, or the option named', async () => {
    const { results, samples } = await run('llama-3.2-90b', ['2', '3.', 'pupa', '2']);
    expect(scoreOf(samples)).toEqual({ 'test-0': 1, 'test-1': 1, 'test-2': 1, 'test-3': 0 });
    expect(results.suites[0].metrics).not.toHaveProperty('no_final_answer');
  });
});

describe('MMMU --subject all', () => {
  it('over a 30-subject local dataset: the micro average, every subject and the six disciplines', async () => {
    const data = await tmp();
    const rows = await writeMmmuSubjects(data, 3);
    // subject i gets (i % 4) of its 3 questions right: none, one, two or all three
    const right = new Map<string, number>(MMMU_SUBJECTS.map((subject, i) => [subject, i % 4]));
    const preds: Record<string, string> = {};
    for (const r of rows) {
      const k = Number(r.id.split('_').at(-1)) - 1;
      const wrong = r.gold === 'A' ? 'B' : 'A';
      preds[r.id] = `(${k < right.get(r.subject)! ? r.gold : wrong})`;
    }
    const { results } = await replay({ suite: 'mmmu', subject: 'all', data }, preds);
    const s = results.suites[0];
    expect(s.counts).toMatchObject({ total: 90, scored: 90, errored: 0 });
    expect(s.dataset.config.split(',')).toEqual([...MMMU_SUBJECTS]);
    const correct = [...right.values()].reduce((a, b) => a + b, 0);
    expect(s.metrics.accuracy.value).toBeCloseTo(correct / 90, 12);
    for (const subject of MMMU_SUBJECTS) expect(s.metrics[`accuracy_${subject}`].value, subject).toBeCloseTo(right.get(subject)! / 3, 12);
    expect(s.metrics.accuracy_Math.value).toBeCloseTo(right.get('Math')! / 3, 12);
    for (const [discipline, subjects] of Object.entries(MMMU_DISCIPLINES)) {
      const hits = subjects.reduce((a, subject) => a + right.get(subject)!, 0);
      expect(s.metrics[`accuracy_${discipline.replace(/ /g, '_')}`].value, discipline).toBeCloseTo(hits / (3 * subjects.length), 12);
    }
    expect(s.metrics.fallbacks.value).toBe(0);
  });

  it('a folder missing a subject is refused by name, and Math stays the default', async () => {
    const data = await tmp();
    await writeMmmuSubjects(data, 1);
    await rm(join(data, 'Art'), { recursive: true });
    await expect(replay({ suite: 'mmmu', subject: 'all', data }, {})).rejects.toThrow(/no parquet file matches Art\/validation-\*/);
    await expect(replay({ suite: 'mmmu', subject: 'Maths' }, {})).rejects.toThrow(/Unknown MMMU subject 'Maths'. Did you mean 'Math'\?/);
    const { results } = await replay({ suite: 'mmmu', ids: ['validation_Math_1'] }, { validation_Math_1: 'B' });
    expect(results.suites[0].dataset.config).toBe('Math');
  });
});

describe('--preset llama-3.2-11b-card', () => {
  async function gold(suiteId: string, style: PromptStyle): Promise<Record<string, string>> {
    const suite = getStyledSuite(suiteId, style);
    const datasets = await Promise.all(suite.datasets(suiteOptions({})).map((spec) => resolveLocalDataset(suite, spec, 'sample')));
    const out: Record<string, string> = {};
    for await (const { sample } of streamSamples({ suite, datasets })) out[sample.id] = suite.scoreInput(sample, '').references[0];
    return out;
  }

  it("records the card's number beside ours, in results.json, report.md and compare", async () => {
    const preds = { ...(await gold('chartqa', 'llama-3.2')), ...(await gold('ai2d', 'llama-3.2')) };
    const { results, dir } = await replay({ preset: 'llama-3.2-11b-card', suite: 'chartqa,ai2d' }, preds);
    const [chart, ai2d] = results.suites;
    expect(chart.promptStyle).toBe('llama-3.2');
    expect(chart.card).toEqual({
      preset: 'llama-3.2-11b-card',
      title: 'Llama 3.2 11B Vision Instruct model card',
      metric: 'relaxed_accuracy',
      value: 0.834,
      split: 'test',
      delta: 1 - 0.834,
      inCi95: false,
      fullRun: false,
    });
    expect(ai2d.card).toMatchObject({ metric: 'exact_match', value: 0.911, inCi95: false, fullRun: false });
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('## Against the model card (Llama 3.2 11B Vision Instruct model card)');
    expect(md).toContain('| chartqa | relaxed_accuracy | 83.40 | test | 100.00 | 100.00 – 100.00 | +16.60 | no | partial run: 16 samples, not the full split |');
    expect(md).toMatch(/\| chartqa v1 \| llama-3\.2 \| relaxed_accuracy \|/);
    const cmp = await compareRuns({ inputs: [dir], out: join(dir, 'cmp') });
    expect(cmp.table).toContain('ours − card');
    expect(cmp.table).toContain('+16.60');
    const csv = await readFile(join(dir, 'cmp', 'comparison.csv'), 'utf8');
    expect(csv.split('\n')[0]).toContain('prompt_style,card_value,card_delta,card_in_ci95');
    expect(csv).toContain('llama-3.2,0.834,');
  });

  it("MathVista: the card's judged accuracy beside a judged run, and no card number for a rule-only run", async () => {
    // two answers the official rules read (a choice's text), two that need the judge
    const preds = { '9001': '70°', '9002': 'Rome', '9008': 'I count five circles.', '9009': 'Three objects are left.' };
    const judge = await startOpenAiServer({
      script: (body) => ({ text: JSON.stringify(body.messages).includes('five circles') ? '5' : '3' }),
    });
    try {
      const judged = await replay({ preset: 'llama-3.2-11b-card', suite: 'mathvista', judgeBaseUrl: judge.baseUrl, judgeModel: 'judge-a' }, preds);
      const s = judged.results.suites[0];
      expect(s).toMatchObject({ promptStyle: 'llama-3.2', primaryMetric: 'accuracy', judge: { model: 'judge-a', calls: 2 } });
      expect(s.metrics.accuracy.value).toBe(0.75);
      expect(s.card).toMatchObject({ preset: 'llama-3.2-11b-card', metric: 'accuracy', value: 0.515, split: 'testmini', fullRun: false });
      expect(s.card!.delta).toBeCloseTo(0.75 - 0.515, 12);
      expect(await readFile(join(judged.dir, 'report.md'), 'utf8')).toContain('| mathvista | accuracy | 51.50 | testmini | 75.00 |');
    } finally {
      await judge.close();
    }
    const ruleOnly = await replay({ preset: 'llama-3.2-11b-card', suite: 'mathvista' }, preds);
    const r = ruleOnly.results.suites[0];
    expect(r.primaryMetric).toBe('accuracy_rule_extract');
    expect(r).not.toHaveProperty('card');
    expect(await readFile(join(ruleOnly.dir, 'report.md'), 'utf8')).not.toContain('Against the model card');
  });

  it('says the card reports DocVQA on test while the run is on validation', async () => {
    const { results } = await replay({ preset: 'llama-3.2-11b-card', suite: 'docvqa' }, await gold('docvqa', 'llama-3.2'));
    expect(results.suites[0].dataset.split).toBe('validation');
    expect(results.suites[0].card!.note).toMatch(/card reports test, whose answers are not public; this harness evaluates validation/);
  });
});

describe('--raw-prompt on the transformers backend', () => {
  it("sends Meta's <|image|> text in the Llama 3 dialog format with the preset's max_new_tokens", async () => {
    const dir = await tmp();
    const logFile = join(dir, 'events.jsonl');
    const backend = await createTransformersBackend({
      model: 'meta-llama/Llama-3.2-11B-Vision-Instruct',
      python: process.execPath,
      workerPath: fileURLToPath(new URL('../helpers/fake-worker.mjs', import.meta.url)),
      tmpDir: dir,
      env: { ...process.env, FAKE_WORKER_LOG: logFile },
    });
    try {
      const plan = buildPlan({
        flags: { suite: 'chartqa', promptStyle: 'llama-3.2', rawPrompt: true, ids: ['human_test-0'], out: join(dir, 'run') },
        defaults: { backend: 'transformers', data: 'sample' },
      });
      await runEval(plan, { signal: new AbortController().signal, backend });
    } finally {
      await backend.close!();
    }
    const requests = (await readFile(logFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { event: string; msg?: Record<string, unknown> }).filter((e) => e.event === 'request');
    expect(requests).toHaveLength(1);
    const msg = requests[0].msg!;
    expect(msg.raw_prompt).toBe(
      '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n<|image|>You are provided a chart image and will be asked a question. You have to think through your answer and provide a step-by-step solution. Once you have the solution, write the final answer in at most a few words at the end with the phrase "FINAL ANSWER:". The question is: What is the value of the tallest bar?<cot_start>Let\'s think step by step.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    expect(msg).toMatchObject({ max_new_tokens: 512, temperature: 0 });
    expect(msg.images as string[]).toHaveLength(1);
  });
});

describe('the gate and prompt styles', () => {
  it('refuses to compare runs made with different prompt styles', async () => {
    const root = await tmp();
    const baseline = writeRun(join(root, 'b'), { suites: [{ suite: 'chartqa', samples: binarySamples(40, (i) => i < 30) }] });
    const candidate = writeRun(join(root, 'c'), { suites: [{ suite: 'chartqa', samples: binarySamples(40, (i) => i < 30) }] });
    editRun(candidate, (r) => (r.suites[0].promptStyle = 'llama-3.2'));
    const outcome = await gateRuns({ baseline, candidate, resamples: 200, corpusResamples: 50 });
    expect(outcome.exitCode).toBe(2);
    const c = outcome.checks.find((x) => x.kind === 'comparability')!;
    expect(c.note).toMatch(/prompt style differs: baseline lmms-eval, candidate llama-3\.2/);
  });
});
