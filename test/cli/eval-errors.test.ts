// User mistakes and bad data through `npm run eval`: each gives its specified outcome, with a
// clear message and no stack trace.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { imageFeature, valueFeature, writeParquet } from '../../src/data/write-parquet.ts';
import type { SampleResult } from '../../src/types.ts';
import { runCli } from '../helpers/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'eval-errors-'));
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('eval errors', () => {
  it('an unknown suite is a usage error with a suggestion', async () => {
    const r = await runCli(['eval', '--suite', 'chartqa2', '--data', 'sample', '--backend', 'replay', '--predictions', 'x.jsonl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown suite 'chartqa2'. Did you mean 'chartqa'?");
    noStack(r.stderr);
  });

  it('an unknown backend is a usage error with a suggestion', async () => {
    const r = await runCli(['eval', '--suite', 'chartqa', '--backend', 'openia']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Did you mean 'openai'?");
  });

  it('an unknown flag and a bad number are usage errors', async () => {
    const unknown = await runCli(['eval', '--suite', 'chartqa', '--concurency', '4']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--concurency'/);
    const bad = await runCli(['eval', '--suite', 'chartqa', '--limit', 'ten']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/positive integer/);
    noStack(bad.stderr);
  });

  it('replay without --predictions names the missing flag', async () => {
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'replay']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs --predictions/);
  });

  it('a corrupt image errors that sample (kind input) and the run still completes', async () => {
    const good = new Uint8Array(await sharp({ create: { width: 20, height: 10, channels: 3, background: '#fff' } }).png().toBuffer());
    const file = join(dir, 'chartqa.parquet');
    await writeParquet(file, {
      features: { type: valueFeature('string'), question: valueFeature('string'), answer: valueFeature('string'), image: imageFeature() },
      rows: [
        { type: 'human_test', question: 'q0', answer: '1', image: { bytes: good, path: null } },
        { type: 'human_test', question: 'q1', answer: '2', image: { bytes: good.subarray(0, 30), path: 'broken.png' } },
        { type: 'augmented_test', question: 'q2', answer: '3', image: { bytes: good, path: null } },
      ],
    });
    const preds = join(dir, 'preds.jsonl');
    writeFileSync(preds, ['human_test-0', 'human_test-1', 'augmented_test-2'].map((id, i) => JSON.stringify({ id, prediction: String(i + 1) })).join('\n'));
    const out = join(dir, 'run');
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', file, '--backend', 'replay', '--predictions', preds, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const samples = readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
    expect(samples[1]).toMatchObject({ id: 'human_test-1', state: 'errored', error: { kind: 'input' } });
    expect(samples[1].state === 'errored' && samples[1].error.message).toMatch(/corrupt or truncated PNG/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.suites[0].counts).toMatchObject({ total: 3, scored: 2, errored: 1 });
    expect(results.suites[0].metrics.relaxed_accuracy.value).toBe(1);
    expect(results.suites[0].dataset.source).toBe('local');
  });

  it('a parquet file in the wrong schema names the file, the row and the column', async () => {
    const file = join(dir, 'wrong.parquet');
    await writeParquet(file, { features: { question: valueFeature('string') }, rows: [{ question: 'q' }] });
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', file, '--backend', 'replay', '--predictions', file, '--out', join(dir, 'wrong')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/wrong\.parquet row 0: column 'type'/);
    noStack(r.stderr);
  });

  it('a config file with a typo names the key', async () => {
    const cfg = join(dir, 'run.yaml');
    writeFileSync(cfg, 'suite: chartqa\nbackendd: replay\n');
    const r = await runCli(['eval', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown key 'backendd'. Did you mean 'backend'\?/);
  });
});
