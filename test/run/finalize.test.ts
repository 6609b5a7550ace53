// Final scoring from disk: a scorer with independent samples (it has `aggregate`) is scored in
// chunks and must give exactly what one whole-set call gives; final lines come out in dataset order.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveLocalDataset, streamSamples, suiteOptions } from '../../src/data/dataset.ts';
import { finalizeSuite } from '../../src/run/finalize.ts';
import { openJournal } from '../../src/run/journal.ts';
import { scoreOne } from '../../src/run/run-sample.ts';
import { createSampleSpill, type SampleStub } from '../../src/run/sample-spill.ts';
import type { SampleResult, SuiteId } from '../../src/types.ts';
import { getStyledSuite } from '../../suites/index.ts';

async function journaled(suiteId: SuiteId) {
  const suite = getStyledSuite(suiteId);
  const dir = mkdtempSync(join(tmpdir(), 'finalize-'));
  const datasets = await Promise.all(suite.datasets(suiteOptions({})).map((s) => resolveLocalDataset(suite, s, 'sample')));
  const spill = createSampleSpill(join(dir, 'samples.tmp'));
  const journal = openJournal(join(dir, 'samples.jsonl'));
  const stubs: SampleStub[] = [];
  let i = 0;
  const appended: SampleResult[] = [];
  for await (const { sample } of streamSamples({ suite, datasets })) {
    const { images, ...rest } = sample;
    stubs.push({ ...rest, imageCount: images.length });
    spill.add(sample);
    // every third answer wrong, every fifth sample errored; journaled in reverse-ish order below
    if (i % 5 === 4) appended.push({ suite: suite.id, id: sample.id, state: 'errored', prediction: null, extracted: null, score: null, error: { kind: 'timeout', message: 'slow' } });
    else appended.push(scoreOne(suite, sample, i % 3 === 0 ? 'nonsense' : (sample.references[0] ?? ''), null, 1));
    i++;
  }
  for (const r of appended.reverse()) journal.append(r);
  return { suite, dir, spill, journal, stubs };
}

describe('finalizeSuite', () => {
  it.each(['vqav2', 'chartqa', 'docvqa'] as const)('%s: chunked scoring equals one whole-set scoreSet, lines in dataset order', async (id) => {
    const { suite, dir, spill, journal, stubs } = await journaled(id);
    expect(suite.scorer.aggregate).toBeTypeOf('function');
    const whole = finalizeSuite({ suite, samples: spill.read(), journal, out: join(dir, 'whole.jsonl'), chunk: Number.MAX_SAFE_INTEGER });
    for (const chunk of [1, 3, 7]) {
      const chunked = finalizeSuite({ suite, samples: spill.read(), journal, out: join(dir, `chunk${chunk}.jsonl`), chunk });
      expect(chunked).toEqual(whole);
      expect(readFileSync(join(dir, `chunk${chunk}.jsonl`), 'utf8')).toBe(readFileSync(join(dir, 'whole.jsonl'), 'utf8'));
    }
    const lines = readFileSync(join(dir, 'whole.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
    expect(lines.map((l) => l.id)).toEqual(stubs.map((s) => s.id));
    expect(whole.counts).toMatchObject({ total: stubs.length, errored: lines.filter((l) => l.state === 'errored').length });
    // the aggregate equals what the scorer reports for the whole set in one call
    const inputs = lines.flatMap((l, k) => (l.state === 'scored' ? [suite.scoreInput({ ...stubs[k], images: [] }, suite.extract(l.prediction, { ...stubs[k], images: [] }).answer)] : []));
    const set = suite.scorer.scoreSet(inputs);
    for (const [name, value] of Object.entries(set.aggregate)) expect(whole.metrics[name].value).toBe(value);
    journal.close();
  });

  it('scores MMMU (seeded fallback draws in order) as one set', async () => {
    const { suite, dir, spill, journal } = await journaled('mmmu');
    expect(suite.scorer.aggregate).toBeUndefined();
    const r = finalizeSuite({ suite, samples: spill.read(), journal, out: join(dir, 'final.jsonl'), chunk: 1 });
    expect(r.metrics.accuracy.value).not.toBeNull();
    expect(r.missing).toBe(0);
    journal.close();
  });
});
