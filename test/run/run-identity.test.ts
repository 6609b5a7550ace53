// Run identity and the run lock through runEval (replay backend, bundled samples): a directory that
// holds results refuses another model, backend, suite or data, says what differs, and keeps its
// files; load settings and the selection may change; one writer at a time.

import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getSuite } from '../../suites/index.ts';
import { resolveLocalDataset, streamSamples, suiteOptions } from '../../src/data/dataset.ts';
import { runEval } from '../../src/run/eval.ts';
import { identityDifferences, planIdentity } from '../../src/run/identity.ts';
import { buildPlan } from '../../src/run/plan.ts';
import type { RunConfig } from '../../src/run/plan/run-config.ts';
import { readInvocations, RUN_FILE } from '../../src/run/run-record.ts';
import { acquireRunLock, LOCK_FILE } from '../../src/run/run-lock.ts';
import type { SampleResult } from '../../src/types.ts';
import { REPO } from '../helpers/run-cli.ts';

const defaults = { backend: 'replay', data: 'sample' };
const signal = new AbortController().signal;

async function gold(suiteId: string, file: string, prediction?: string): Promise<void> {
  const suite = getSuite(suiteId);
  const datasets = await Promise.all(suite.datasets(suiteOptions({})).map((spec) => resolveLocalDataset(suite, spec, 'sample')));
  const lines: string[] = [];
  for await (const { sample } of streamSamples({ suite, datasets })) lines.push(JSON.stringify({ id: sample.id, prediction: prediction ?? sample.references[0] }));
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function setup(): { dir: string; preds: string; wrong: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'run-identity-'));
  return { dir, preds: join(dir, 'preds.jsonl'), wrong: join(dir, 'wrong.jsonl'), out: join(dir, 'run') };
}

const run = (flags: RunConfig, resumeDir?: string) => runEval(buildPlan({ flags, defaults, ...(resumeDir ? { resumeDir } : {}) }), { signal });

describe('run identity', () => {
  it('refuses --out on a run made with other predictions (model), keeps its files, and a new folder scores them', async () => {
    const { preds, wrong, out, dir } = setup();
    await gold('chartqa', preds);
    await gold('chartqa', wrong, 'nonsense');
    const first = await run({ suite: 'chartqa', predictions: wrong, out });
    expect(first.results.suites[0].metrics.relaxed_accuracy.value).toBe(0);
    const before = ['config.json', 'samples.jsonl', 'results.json', RUN_FILE].map((f) => readFileSync(join(out, f), 'utf8'));
    await expect(run({ suite: 'chartqa', predictions: preds, out })).rejects.toMatchObject({
      name: 'UserError',
      exitCode: 2,
      message: expect.stringMatching(/--out .* already holds a run with another identity \(.*model: replay:.*wrong\.jsonl in the run, replay:.*preds\.jsonl now.*Use a new --out folder/),
    });
    expect(['config.json', 'samples.jsonl', 'results.json', RUN_FILE].map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(before);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false); // released on refusal too
    const fresh = await run({ suite: 'chartqa', predictions: preds, out: join(dir, 'fresh') });
    expect(fresh.results.suites[0].metrics.relaxed_accuracy.value).toBe(1);
  });

  it('--resume with flags that change the identity is refused; with load settings or a new selection it continues', async () => {
    const { preds, out } = setup();
    await gold('vqav2', preds);
    await run({ suite: 'vqav2', predictions: preds, out, limit: 4 });
    await expect(run({ suite: 'chartqa' }, out)).rejects.toThrow(/--resume .*would change the run's identity \(suites: vqav2 in the run, chartqa now\)/);
    await expect(run({ backend: 'onnx' }, out)).rejects.toThrow(/backend: replay in the run, onnx now/);
    await expect(run({ extraBody: '{"temperature": 0.7}' }, out)).rejects.toThrow(/--extra-body: none in the run, \{"temperature":0.7\} now/);
    const more = await run({ concurrency: 3, limit: 8 }, out);
    expect(more.results.suites[0].counts.total).toBe(8);
    const invocations = readInvocations(out);
    expect(invocations.map((i) => [i.status, i.suites.vqav2.generated, i.suites.vqav2.load.concurrency])).toEqual([
      ['completed', 4, 1],
      ['completed', 4, 3],
    ]);
    const lines = readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
    expect(lines.map((l) => l.invocation)).toEqual([...Array(4).fill(invocations[0].id), ...Array(4).fill(invocations[1].id)]);
  });

  it('refuses data files that changed under the same --data path, before any sample is generated', async () => {
    const { preds, out, dir } = setup();
    await gold('chartqa', preds);
    const data = join(dir, 'chartqa.parquet');
    copyFileSync(join(REPO, 'datasets/chartqa/data/test-00000-of-00001.parquet'), data);
    await run({ suite: 'chartqa', predictions: preds, data, out, limit: 2 });
    copyFileSync(join(REPO, 'datasets/docvqa/DocVQA/validation-00000-of-00001.parquet'), data);
    const lines = readFileSync(join(out, 'samples.jsonl'), 'utf8');
    await expect(run({}, out)).rejects.toThrow(/chartqa: data files [0-9a-f]{12}… \(local data\) in the run, [0-9a-f]{12}… \(local data\) now/);
    expect(readFileSync(join(out, 'samples.jsonl'), 'utf8')).toBe(lines);
  });

  it('compares the suites, versions and configs the plan selects', () => {
    const plan = (flags: RunConfig) => buildPlan({ flags: { suite: 'mmmu', ...flags }, defaults });
    const base = planIdentity(plan({}));
    expect(base.suites.mmmu.data).toEqual(['Math/validation']);
    expect(identityDifferences(base, planIdentity(plan({ subject: 'Math' })))).toEqual([]); // the default, made explicit
    expect(identityDifferences(base, planIdentity(plan({ subject: 'Art,Math' })))).toEqual(['mmmu: data Math/validation in the run, Art/validation, Math/validation now (--subject, --split)']);
    expect(identityDifferences({ ...base, suites: { mmmu: { ...base.suites.mmmu, version: 0 } } }, base)).toEqual([
      `mmmu: suite version 0 in the run, ${base.suites.mmmu.version} now (its prompt or scoring changed)`,
    ]);
    // what is not known on one side (a model not loaded yet) is not compared
    expect(identityDifferences({ ...base, model: 'a', dtype: 'fp32' }, base)).toEqual([]);
    expect(identityDifferences({ ...base, model: 'a', dtype: 'fp32' }, { ...base, model: 'b', dtype: 'q8' })).toEqual(['model: a in the run, b now', 'dtype: fp32 in the run, q8 now']);
    expect(identityDifferences(base, planIdentity(plan({ limit: 3, ids: 'x', concurrency: 4, requestRate: 2 })))).toEqual([]);
  });

  it('a directory whose earlier attempt produced no results is reused freely', async () => {
    const { preds, out } = setup();
    await gold('chartqa', preds);
    await run({ suite: 'chartqa', predictions: preds, out, limit: 1 });
    unlinkSync(join(out, 'samples.jsonl'));
    const other = await run({ suite: 'docvqa', predictions: preds, out, limit: 1 });
    expect(other.results.suites.map((s) => s.id)).toEqual(['docvqa']);
    expect(readInvocations(out)).toHaveLength(1);
  });

  it('a run made before run.json existed takes its identity from config.json and results.json', async () => {
    const { preds, wrong, out } = setup();
    await gold('chartqa', preds);
    await gold('chartqa', wrong, 'x');
    await run({ suite: 'chartqa', predictions: wrong, out, limit: 2 });
    rmSync(join(out, RUN_FILE));
    await expect(run({ suite: 'chartqa', predictions: preds, out })).rejects.toThrow(/model: replay:.*wrong\.jsonl in the run, replay:.*preds\.jsonl now/);
    const resumed = await run({ limit: 3 }, out);
    expect(resumed.results.suites[0].counts.total).toBe(3);
    expect(existsSync(join(out, RUN_FILE))).toBe(true);
  });
});

describe('run lock', () => {
  it('a second writer is refused while the first holds the directory, and may go once it is released', () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-lock-'));
    const first = acquireRunLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => acquireRunLock(dir)).toThrow(new RegExp(`in use by process ${process.pid} \\(since .*\\)\\. Wait for it to finish, or use another --out`));
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquireRunLock(dir).release();
  });

  it('takes over a stale lock whose process is gone; refuses one from another host with how to remove it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-lock-'));
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 999_999, host: hostname(), startedAt: '2025-01-01T00:00:00.000Z' }));
    const lock = acquireRunLock(dir, { isAlive: () => false });
    expect(lock.tookOverFrom).toMatchObject({ pid: 999_999 });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 42, host: 'gpu-box-7', startedAt: 'x' }));
    expect(() => acquireRunLock(dir, { isAlive: () => false })).toThrow(/in use by process 42 on host gpu-box-7 .* If that run is no longer going, delete .*run\.lock/);
  });

  it("an earlier attempt that was still going does not remove its successor's lock, even under the same PID (a pod's PID 1)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-lock-'));
    const first = acquireRunLock(dir, { pid: 1, host: 'vlm-eval-3-abcde', slot: 'k8s:uid/3' });
    const second = acquireRunLock(dir, { pid: 1, host: 'vlm-eval-3-fghij', slot: 'k8s:uid/3' });
    expect(second.tookOverFrom).toMatchObject({ host: 'vlm-eval-3-abcde' });
    first.release();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: 1, host: 'vlm-eval-3-fghij' });
    second.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('runEval refuses a directory another invocation holds', async () => {
    const { preds, out } = setup();
    await gold('chartqa', preds);
    await run({ suite: 'chartqa', predictions: preds, out, limit: 1 });
    const held = acquireRunLock(out, { pid: process.pid });
    try {
      await expect(run({}, out)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/is in use by process/) });
    } finally {
      held.release();
    }
  });
});
