// Done when "Exact merge": the same suites run once, and as 3 and 7 shards (separate processes with
// --shard auto and the scheduler's variables), merge to identical scores: every metric value and
// 95% interval, MMMU's random fallback draws for unparseable answers, CIDEr-D and the other caption
// metrics, counts and error reasons, and every per-sample line.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../src/report/schema.ts';
import { REPO, runCli, type CliResult } from '../helpers/run-cli.ts';
import { evalArgs, expectSameRun, readResults, runShards, sampleLines, slurmEnv, writePredictions } from '../helpers/shard-runs.ts';

let root: string;
let preds: string;
let single: Results;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'merge-exact-'));
  preds = writePredictions(root);
  const r = await runCli(evalArgs(preds, join(root, 'single')));
  expect(r.code, r.stderr).toBe(0);
  single = readResults(join(root, 'single'));
});

function runNpm(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn('npm', args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function expectSameAsSingle(merged: Results, dir: string): void {
  expectSameRun({ dir, results: merged }, { dir: join(root, 'single'), results: single });
}

describe('merge: sharded runs score exactly as one run', () => {
  it('the single run exercises what a merge could get wrong', () => {
    const mmmu = single.suites.find((s) => s.id === 'mmmu')!;
    expect(mmmu.metrics.fallbacks.value).toBeGreaterThanOrEqual(3); // unparseable answers: seeded random draws
    expect(mmmu.metrics.accuracy.ci95).not.toBeNull();
    expect(mmmu.counts.errored).toBe(2);
    const drawn = sampleLines(join(root, 'single')).filter((l) => l.suite === 'mmmu' && l.fallback === true);
    expect(drawn.length).toBe(mmmu.metrics.fallbacks.value);
    const coco = single.suites.find((s) => s.id === 'coco-captions')!;
    expect(coco.metrics.CIDEr.value).toBeGreaterThan(0);
  });

  it('N = 3 as a Slurm array (--array=5-7: index = task id - SLURM_ARRAY_TASK_MIN)', async () => {
    const dirs = await runShards({ root, count: 3, preds, prefix: 'slurm', env: (i) => slurmEnv(i, 3, 5) });
    const files = dirs.map((d) => JSON.parse(readFileSync(join(d, 'shard.json'), 'utf8')) as { index: number; count: number; suites: Record<string, { start: number; end: number; total: number }> });
    expect(files.map((f) => [f.index, f.count])).toEqual([[0, 3], [1, 3], [2, 3]]);
    expect(files.map((f) => [f.suites.mmmu.start, f.suites.mmmu.end, f.suites.mmmu.total])).toEqual([[0, 5, 15], [5, 10, 15], [10, 15, 15]]);
    // one shard alone scores differently: its draws and its corpus are its own
    const part = readResults(dirs[0]);
    expect(part.shard).toEqual({ index: 0, count: 3 });
    expect(readFileSync(join(dirs[0], 'report.md'), 'utf8')).toMatch(/Status: shard 0\/3 of a sharded run \(these results cover only its part/);
    expect(part.suites.find((s) => s.id === 'coco-captions')!.metrics.CIDEr.value).not.toBe(single.suites.find((s) => s.id === 'coco-captions')!.metrics.CIDEr.value);

    const out = join(root, 'merged-3');
    // shards given in any order
    const r = await runCli(['merge', dirs[2], dirs[0], dirs[1], '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/merged 3 of 3 shards/);
    const merged = readResults(out);
    expect(merged.merge).toMatchObject({ shards: 3, merged: [0, 1, 2], missing: [], partial: false });
    expectSameAsSingle(merged, out);
  });

  it('N = 7 as a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with --shards 7), through npm run merge', async () => {
    const dirs = await runShards({ root, count: 7, preds, prefix: 'k8s', extra: ['--shards', '7'], env: (i) => ({ JOB_COMPLETION_INDEX: String(i) }) });
    const out = join(root, 'merged-7');
    const r = await runCli(['merge', ...dirs, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const merged = readResults(out);
    expect(merged.merge?.sources.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expectSameAsSingle(merged, out);
    // merging again into the same folder replaces the earlier merge with the same result
    const again = await runNpm(['run', '--silent', 'merge', '--', ...dirs, '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expectSameAsSingle(readResults(out), out);
  });
});
