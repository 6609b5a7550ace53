// Mistakes a user can fix end with one line that names the file, line or field and the fix, exit
// code 2 and no stack trace; --out is checked before any model loads. Data problems of one sample
// (a null image) error that sample only.

import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageFeature, valueFeature, writeParquet } from '../../src/data/write-parquet.ts';
import { resultsSchema } from '../../src/report/schema.ts';
import type { SampleResult } from '../../src/types.ts';
import { makeImage } from '../data/parquet-fixtures.ts';
import { REPO, runCli } from '../helpers/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'eval-user-errors-'));
chmodSync(dir, 0o755); // the unprivileged user of the permission test must reach into it
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
const SAMPLE = join(REPO, 'datasets/chartqa/data/test-00000-of-00001.parquet');
const preds = join(dir, 'preds.jsonl');
writeFileSync(preds, '{"id": "human_test-0", "prediction": "1"}\n');
const offline = { HF_ENDPOINT: 'http://127.0.0.1:1', HF_HUB_CACHE: join(dir, 'hub-cache') };

function replay(out: string, data = 'sample', extra: string[] = []): string[] {
  return ['eval', '--suite', 'chartqa', '--data', data, '--backend', 'replay', '--predictions', preds, '--out', out, ...extra];
}

async function chartqaFile(name: string, images: Array<Uint8Array | null>): Promise<string> {
  const file = join(dir, name);
  await writeParquet(file, {
    features: { type: valueFeature('string'), question: valueFeature('string'), answer: valueFeature('string'), image: imageFeature() },
    rows: images.map((bytes, i) => ({ type: 'human_test', question: `q${i}`, answer: String(i), image: bytes ? { bytes, path: null } : null })),
  });
  return file;
}

describe('eval: user errors are one line and exit 2', () => {
  it('a truncated, empty or garbled --data file names the file and the fix, without a stack', async () => {
    const truncated = join(dir, 'truncated.parquet');
    copyFileSync(SAMPLE, truncated);
    truncateSync(truncated, Math.floor(readFileSync(SAMPLE).length / 2));
    const empty = join(dir, 'empty.parquet');
    writeFileSync(empty, '');
    const garbled = join(dir, 'garbled.parquet');
    writeFileSync(garbled, '<html>Not found</html>'.repeat(10));
    for (const [file, what] of [[truncated, /truncated/], [empty, /0 bytes long/], [garbled, /HTML/]] as const) {
      const r = await runCli(replay(join(dir, 'bad-data-run'), file));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(what);
      expect(r.stderr).toMatch(/copy or export them again/);
      expect(r.stderr).not.toMatch(/download it again/);
      noStack(r.stderr);
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    }
  });

  it('--out that is a file is refused before the model loads', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'onnx', '--model', 'models/tiny-smolvlm', '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*a-file is a file, not a folder/);
    expect(r.stderr).not.toMatch(/loading/);
    noStack(r.stderr);
    const under = await runCli(replay(join(file, 'run')));
    expect(under.code).toBe(2);
    expect(under.stderr).toMatch(/a-file is a file, so no folder can be made under it/);
  });

  it('--out that cannot be written is refused before the model loads', async () => {
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'onnx', '--model', 'models/tiny-smolvlm', '--out', join(ro, 'run')], { withoutRootOverride: true });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--out .*read-only\/run: cannot create .* \(EACCES: permission denied\)/);
    expect(r.stderr).not.toMatch(/loading/);
    noStack(r.stderr);
  });

  it('--out under /proc is refused at once (it used to spin at 100% CPU)', async () => {
    const r = await runCli(replay('/proc/vlm-harness-test/run'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is on proc \(\/proc\), a virtual filesystem/);
    noStack(r.stderr);
  });

  it('a null line in replay predictions names the file and line', async () => {
    const bad = join(dir, 'null-line.jsonl');
    writeFileSync(bad, '{"id": "human_test-0", "prediction": "1"}\nnull\n{"id": "x", "prediction": "2"}\n');
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'replay', '--predictions', bad, '--out', join(dir, 'null-line-run')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2: expected a JSON object {"id", "prediction"}, found null`);
    noStack(r.stderr);
  });

  it('--resume of a folder that does not exist blames --resume, not --config', async () => {
    const r = await runCli(['eval', '--resume', join(dir, 'no-such-run')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--resume .*no-such-run: no such folder/);
    expect(r.stderr).not.toMatch(/--config/);
    const notRun = join(dir, 'not-a-run');
    mkdirSync(notRun);
    const r2 = await runCli(['eval', '--resume', notRun]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/is not a run directory: it has no config\.json/);
  });
});

describe('eval: data problems', () => {
  it('--data <folder> takes the files directly in it, not every parquet file further down', async () => {
    const img = await makeImage(20, 10);
    const folder = join(dir, 'split-folder');
    mkdirSync(join(folder, 'other-split'), { recursive: true });
    await writeParquet(join(folder, 'mine.parquet'), {
      features: { type: valueFeature('string'), question: valueFeature('string'), answer: valueFeature('string'), image: imageFeature() },
      rows: [0, 1, 2].map((i) => ({ type: 'human_test', question: `q${i}`, answer: '1', image: { bytes: img, path: null } })),
    });
    copyFileSync(SAMPLE, join(folder, 'other-split', 'val.parquet'));
    const out = join(dir, 'folder-run');
    const r = await runCli(replay(out, folder));
    expect(r.code, r.stderr).toBe(0);
    const results = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    expect(results.suites[0].counts.total).toBe(3);
    expect(results.suites[0].dataset.files.map((f) => f.path)).toEqual(['mine.parquet']);
  });

  it('a null image errors that sample (kind input) and the run completes', async () => {
    const img = await makeImage(20, 10);
    const file = await chartqaFile('null-image.parquet', [img, null, img]);
    const out = join(dir, 'null-image-run');
    const r = await runCli(replay(out, file));
    expect(r.code, r.stderr).toBe(0);
    const samples = readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
    expect(samples).toHaveLength(3);
    expect(samples[1]).toMatchObject({ state: 'errored', error: { kind: 'input', message: expect.stringMatching(/image 1 is missing: the dataset row holds null/) } });
  });

  it('a row in the wrong schema part-way through stops the run cleanly: exit 2, the row named, finished samples kept', async () => {
    const img = await makeImage(20, 10);
    const file = join(dir, 'bad-row.parquet');
    await writeParquet(file, {
      features: { type: valueFeature('string'), question: valueFeature('string'), answer: valueFeature('string'), image: imageFeature() },
      rows: [0, 1, 2, 3].map((i) => ({ type: i === 1 ? null : 'human_test', question: `q${i}`, answer: '1', image: { bytes: img, path: null } })),
    });
    const out = join(dir, 'bad-row-run');
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', file, '--backend', 'onnx', '--model', 'models/tiny-smolvlm', '--out', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/bad-row\.parquet row 1: column 'type' should be a string, found null/);
    expect(r.stderr).not.toMatch(/EBADF|Session already disposed/);
    noStack(r.stderr);
    // the request in flight when the bad row was read (row 0) finished into the journal
    expect(readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['human_test-0']);
  });

  it('the fallback model records the dtype it ran with (fp32), not the one asked for', async () => {
    const out = join(dir, 'fallback-dtype-run');
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--dtype', 'q4', '--limit', '1', '--out', out], { env: offline });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/model: vlm-harness\/tiny-random-smolvlm \(onnx, fp32\)/);
    const results = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    expect(results.model.dtype).toBe('fp32');
  });
});
