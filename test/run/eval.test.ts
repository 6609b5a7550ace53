// End to end through runEval: bundled sample → replay backend → journal → final scores → reports.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUITE_IDS } from '../../suites/index.ts';
import { resultsSchema } from '../../src/report/schema.ts';
import { runEval } from '../../src/run/eval.ts';
import { buildPlan } from '../../src/run/plan.ts';
import { resolveLocalDataset, streamSamples, suiteOptions } from '../../src/data/dataset.ts';
import { getStyledSuite } from '../../suites/index.ts';
import type { PromptStyle, SampleResult } from '../../src/types.ts';

/** Each sample's gold label as the style scores it (AI2D: the letter for lmms-eval, the number for Meta's prompts). */
async function goldPredictions(suiteId: string, file: string, drop: string[] = [], style?: PromptStyle): Promise<string[]> {
  const suite = getStyledSuite(suiteId, style);
  const datasets = await Promise.all(suite.datasets(suiteOptions({})).map((spec) => resolveLocalDataset(suite, spec, 'sample')));
  const ids: string[] = [];
  const lines: string[] = [];
  for await (const { sample } of streamSamples({ suite, datasets })) {
    ids.push(sample.id);
    if (drop.includes(sample.id)) continue;
    lines.push(JSON.stringify({ id: sample.id, prediction: suite.scoreInput(sample, '').references[0] }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return ids;
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'eval-'));
}

describe('runEval with the replay backend on the bundled samples', () => {
  it.each(SUITE_IDS)('%s: completes, writes the four report files, and results.json validates', async (suiteId) => {
    const dir = tmp();
    const preds = join(dir, 'preds.jsonl');
    const ids = await goldPredictions(suiteId, preds);
    const plan = buildPlan({ flags: { suite: suiteId, backend: 'replay', predictions: preds, out: join(dir, 'run') }, defaults: { backend: 'replay', data: 'sample' } });
    const outcome = await runEval(plan, { signal: new AbortController().signal });
    expect(outcome.interrupted).toBe(false);
    for (const f of ['results.json', 'samples.jsonl', 'summary.csv', 'report.md', 'config.json']) expect(existsSync(join(outcome.runDir, f))).toBe(true);
    const results = resultsSchema.parse(JSON.parse(readFileSync(join(outcome.runDir, 'results.json'), 'utf8')));
    const s = results.suites[0];
    expect(s.counts).toMatchObject({ total: ids.length, scored: ids.length, errored: 0 });
    expect(s.dataset.source).toBe('sample');
    expect(s.dataset.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(results.notices.join(' ')).toMatch(/synthetic sample/);
    const lines = readFileSync(join(outcome.runDir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
    expect(lines.map((l) => l.id)).toEqual(ids);
    if (suiteId !== 'coco-captions') {
      // gold answers replayed score full marks under every per-sample metric
      expect(s.metrics[s.primaryMetric].value).toBe(1);
      expect(s.metrics[s.primaryMetric].ci95).toEqual([1, 1]);
    } else {
      expect(s.metrics.CIDEr.value).toBeGreaterThan(1);
      expect(s.metrics.CIDEr.ci95).toBeNull();
    }
  });

  it('marks a sample with no saved prediction as errored (input), not wrong', async () => {
    const dir = tmp();
    const preds = join(dir, 'preds.jsonl');
    const ids = await goldPredictions('docvqa', preds, []);
    await goldPredictions('docvqa', preds, [ids[1]]);
    const plan = buildPlan({ flags: { suite: 'docvqa', predictions: preds, out: join(dir, 'run') }, defaults: { backend: 'replay', data: 'sample' } });
    const { results } = await runEval(plan, { signal: new AbortController().signal });
    const s = results.suites[0];
    expect(s.counts).toMatchObject({ total: ids.length, scored: ids.length - 1, errored: 1, erroredByKind: { input: 1, backend: 0, timeout: 0 } });
    expect(s.metrics.anls.value).toBe(1);
    const line = readFileSync(join(dir, 'run', 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult)[1];
    expect(line).toMatchObject({ id: ids[1], state: 'errored', score: null, error: { kind: 'input' } });
  });

  it('resumes without redoing finished samples and retries errored ones with --retry-errors', async () => {
    const dir = tmp();
    const preds = join(dir, 'preds.jsonl');
    const ids = await goldPredictions('chartqa', preds, []);
    await goldPredictions('chartqa', preds, [ids[0]]);
    const out = join(dir, 'run');
    const defaults = { backend: 'replay', data: 'sample' };
    await runEval(buildPlan({ flags: { suite: 'chartqa', predictions: preds, out }, defaults }), { signal: new AbortController().signal });
    await goldPredictions('chartqa', preds, []);
    const again = await runEval(buildPlan({ flags: {}, resumeDir: out, defaults }), { signal: new AbortController().signal });
    expect(again.results.suites[0].counts.errored).toBe(1); // resume alone keeps the errored sample
    const fixed = await runEval(buildPlan({ flags: { retryErrors: true }, resumeDir: out, defaults }), { signal: new AbortController().signal });
    expect(fixed.results.suites[0].counts).toMatchObject({ scored: ids.length, errored: 0 });
    const lines = readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(ids.length);
  });

  it('honours --limit and --ids', async () => {
    const dir = tmp();
    const preds = join(dir, 'preds.jsonl');
    const ids = await goldPredictions('vqav2', preds);
    const defaults = { backend: 'replay', data: 'sample' };
    const limited = await runEval(buildPlan({ flags: { suite: 'vqav2', predictions: preds, limit: 3, out: join(dir, 'a') }, defaults }), { signal: new AbortController().signal });
    expect(limited.results.suites[0].counts.total).toBe(3);
    const chosen = await runEval(buildPlan({ flags: { suite: 'vqav2', predictions: preds, ids: [ids[5], ids[2]], out: join(dir, 'b') }, defaults }), { signal: new AbortController().signal });
    expect(chosen.results.suites[0].counts.total).toBe(2);
  });

  it('names the --ids the data does not hold, and only those', async () => {
    const dir = tmp();
    const preds = join(dir, 'preds.jsonl');
    const ids = await goldPredictions('vqav2', preds);
    const notices: string[] = [];
    const plan = buildPlan({ flags: { suite: 'vqav2', predictions: preds, ids: [ids[1], 'no-such-id', ids[4]], out: join(dir, 'run') }, defaults: { backend: 'replay', data: 'sample' } });
    await runEval(plan, { signal: new AbortController().signal, onEvent: (e) => void (e.type === 'notice' && notices.push(e.message)) });
    expect(notices.filter((n) => n.includes('--ids not found'))).toEqual(['vqav2: --ids not found in the data: no-such-id']);
  });
});
