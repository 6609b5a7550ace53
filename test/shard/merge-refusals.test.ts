// Done when "Refusals": a missing shard, a shard with another model or data revision, and
// duplicated ids are each refused with a clear one-line message (exit 2, no stack); so are a shard
// whose samples.jsonl changed after it finished, an unfinished shard, two shardings mixed, and one
// run directory asked to hold two shards. --allow-partial writes a result that says it is partial,
// and gate refuses it (and a lone shard).

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readParquetInfo, readParquetRows } from '../../src/data/parquet-rows.ts';
import { writeParquet, type Features } from '../../src/data/write-parquet.ts';
import { hashLines } from '../../src/shard/shard-record.ts';
import { REPO, runCli, type CliResult } from '../helpers/run-cli.ts';
import { evalArgs, readResults, writePredictions } from '../helpers/shard-runs.ts';

let root: string;
let preds: string;
let shards: string[];

function refused(r: CliResult, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

/** A copy of a shard directory, changed by `edit`, with shard.json rewritten to vouch for its samples.jsonl again when `rehash`. */
async function tampered(from: string, name: string, edit: (dir: string) => void, rehash: boolean): Promise<string> {
  const dir = join(root, name);
  cpSync(from, dir, { recursive: true });
  edit(dir);
  if (rehash) {
    const file = JSON.parse(readFileSync(join(dir, 'shard.json'), 'utf8')) as Record<string, unknown>;
    const { sha256, lines } = await hashLines(join(dir, 'samples.jsonl'));
    writeFileSync(join(dir, 'shard.json'), JSON.stringify({ ...file, samplesSha256: sha256, samples: lines }));
  }
  return dir;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'merge-refusals-'));
  preds = writePredictions(root);
  shards = [0, 1, 2].map((i) => join(root, `shard-${i}`));
  const runs = await Promise.all([...shards.map((dir, i) => runCli(evalArgs(preds, dir, ['--shard', `${i}/3`]))), runCli(evalArgs(preds, join(root, 'single')))]);
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
});

describe('merge refuses what is not one whole sharded run', () => {
  it('a missing shard', async () => {
    const out = join(root, 'm-missing');
    refused(await runCli(['merge', shards[0], shards[1], '--out', out]), /^error: merge: shard 2\/3 missing \(2 of 3 given\)\. Give its directory, rerun it \(--shard i\/3\), or pass --allow-partial/m);
    expect(existsSync(join(out, 'results.json'))).toBe(false);
  });

  it('a shard made with another model', async () => {
    const other = writePredictions(root, 'other-model.jsonl', ['A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A']);
    const dir = join(root, 'other-model-1');
    expect((await runCli(evalArgs(other, dir, ['--shard', '1/3']))).code).toBe(0);
    refused(await runCli(['merge', shards[0], dir, shards[2], '--out', join(root, 'm-model')]), /shard 1\/3 \(.*other-model-1\) is not the same run as shard 0\/3 \(.*shard-0\): model: replay:.*preds\.jsonl in shard 0\/3, replay:.*other-model\.jsonl in shard 1\/3/);
  });

  it('a shard that read another revision of the data', async () => {
    // the same ChartQA rows re-written in smaller row groups: other files, another fingerprint
    const sample = join(REPO, 'datasets/chartqa/data/test-00000-of-00001.parquet');
    const rows: Array<Record<string, unknown>> = [];
    for await (const row of readParquetRows(sample)) rows.push(row);
    const local = join(root, 'chartqa-rev2.parquet');
    await writeParquet(local, { features: (await readParquetInfo(sample)).features as Features, rows, rowGroupSize: 4 });
    const a = join(root, 'rev-0');
    const b = join(root, 'rev-1');
    const args = (data: string, dir: string, shard: string) => ['eval', '--suite', 'chartqa', '--data', data, '--backend', 'replay', '--predictions', preds, '--out', dir, '--shard', shard];
    const [ra, rb] = await Promise.all([runCli(args('sample', a, '0/2')), runCli(args(local, b, '1/2'))]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    refused(await runCli(['merge', a, b, '--out', join(root, 'm-rev')]), /shard 1\/2 .* is not the same run as shard 0\/2 .*: chartqa: data files [0-9a-f]{12}… \(sample data\) in shard 0\/2, [0-9a-f]{12}… \(local data\) in shard 1\/2 \(--data, --revision\)/);
  });

  it('duplicated ids: one shard given twice, and two shards holding the same sample', async () => {
    refused(await runCli(['merge', shards[0], shards[1], shards[0], '--out', join(root, 'm-twice')]), /two directories hold shard 0\/3: .*shard-0 and .*shard-0\. Give each shard once\./);
    const firstLine = readFileSync(join(shards[0], 'samples.jsonl'), 'utf8').split('\n')[0];
    const overlap = await tampered(shards[1], 'overlap-1', (d) => writeFileSync(join(d, 'samples.jsonl'), `${firstLine}\n${readFileSync(join(d, 'samples.jsonl'), 'utf8')}`), true);
    refused(await runCli(['merge', shards[0], overlap, shards[2], '--out', join(root, 'm-dup')]), /duplicated ids, each held by two shards: mmmu\/validation_Math_1 in shard 0\/3 \(.*shard-0\) and shard 1\/3 \(.*overlap-1\)/);
    // a refused merge leaves nothing behind: the same folder then takes the right shards
    expect(existsSync(join(root, 'm-dup', 'samples.jsonl'))).toBe(false);
    expect((await runCli(['merge', ...shards, '--out', join(root, 'm-dup')])).code).toBe(0);
  });

  it('a samples.jsonl changed after its shard finished, and an unfinished shard', async () => {
    const cut = await tampered(shards[2], 'cut-2', (d) => writeFileSync(join(d, 'samples.jsonl'), readFileSync(join(d, 'samples.jsonl'), 'utf8').split('\n').slice(1).join('\n')), false);
    refused(await runCli(['merge', shards[0], shards[1], cut, '--out', join(root, 'm-cut')]), /shard 2\/3 \(.*cut-2\): samples\.jsonl is not the file shard\.json describes .* resume the shard \(vlm-harness eval --resume .*cut-2\)/);
    const killed = await tampered(shards[2], 'killed-2', (d) => rmSync(join(d, 'shard.json')), false);
    refused(await runCli(['merge', shards[0], shards[1], killed, '--out', join(root, 'm-killed')]), /killed-2 is not a finished shard: it holds a run but no shard\.json/);
    const unfinished = await tampered(shards[2], 'unfinished-2', (d) => {
      const f = join(d, 'shard.json');
      writeFileSync(f, JSON.stringify({ ...JSON.parse(readFileSync(f, 'utf8')), completed: false }));
    }, false);
    refused(await runCli(['merge', shards[0], shards[1], unfinished, '--out', join(root, 'm-unfinished')]), /shard 2\/3 \(.*unfinished-2\) did not finish .* Resume it: vlm-harness eval --resume .*unfinished-2/);
  });

  it('two shardings mixed, and a run directory asked to hold another shard', async () => {
    const seven = join(root, 'of7-1');
    expect((await runCli(evalArgs(preds, seven, ['--shard', '1/7']))).code).toBe(0);
    refused(await runCli(['merge', shards[0], seven, '--out', join(root, 'm-mixed')]), /belong to different shardings: shard 0\/3 .* and shard 1\/7/);
    refused(await runCli(evalArgs(preds, shards[0], ['--shard', '1/3'])), /shard-0 holds shard 0\/3; this invocation is shard 1\/3\. Give each shard its own --out/);
    refused(await runCli(evalArgs(preds, join(root, 'single'), ['--shard', '0/3'])), /single holds an unsharded run; this invocation is shard 0\/3/);
  });
});

describe('merge --allow-partial', () => {
  it('merges the finished shards, says the result is partial, and gate refuses it (and a lone shard)', async () => {
    const killed = await tampered(shards[1], 'gone-1', (d) => rmSync(join(d, 'shard.json')), false);
    const out = join(root, 'm-partial');
    const r = await runCli(['merge', shards[0], killed, shards[2], '--out', out, '--allow-partial']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/left out: .*gone-1 is not a finished shard/);
    expect(r.stderr).toMatch(/PARTIAL result: shard\(s\) 1\/3 missing/);
    const results = readResults(out);
    expect(results.completed).toBe(false);
    expect(results.merge).toMatchObject({ shards: 3, merged: [0, 2], missing: [1], partial: true });
    expect(results.notices[0]).toMatch(/^PARTIAL: shard 1\/3 missing/);
    const mmmu = results.suites.find((s) => s.id === 'mmmu')!;
    expect(mmmu.counts.total).toBe(10); // shards 0 and 2 of MMMU's 15 samples
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/Status: PARTIAL merge: shards 1\/3 missing/);

    const single = join(root, 'single');
    const gate = await runCli(['gate', '--baseline', single, '--candidate', out]);
    expect(gate.code, gate.stdout).toBe(2);
    expect(gate.stdout).toMatch(/The candidate run is not a whole run: it is a partial merge \(shards 1\/3 missing\)/);
    const lone = await runCli(['gate', '--baseline', single, '--candidate', shards[0]]);
    expect(lone.code, lone.stdout).toBe(2);
    expect(lone.stdout).toMatch(/it holds only shard 0\/3 of a sharded run; merge the shards first/);
  });
});
