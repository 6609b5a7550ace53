// Shard assignment: the flags and scheduler variables that name a shard, the contiguous ranges of
// the selection, and reading only a shard's range of the data (row groups before it are skipped).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { streamSamples, type ResolvedDataset } from '../../src/data/dataset.ts';
import { readParquetRows } from '../../src/data/parquet-rows.ts';
import { parquetBytes, valueFeature } from '../../src/data/write-parquet.ts';
import { unionSeconds } from '../../src/run/active-time.ts';
import { buildPlan } from '../../src/run/plan.ts';
import { shardRange } from '../../src/shard/shard-range.ts';
import { resolveShard } from '../../src/shard/shard-spec.ts';
import { corruptRowGroup, withTempDir, writeBytes } from '../data/parquet-fixtures.ts';
import { fakeSuite } from '../helpers/fake-suite.ts';

const numbered = (n: number, from: number, rowGroupSize: number) =>
  parquetBytes({ features: { id: valueFeature('int64'), q: valueFeature('string'), a: valueFeature('string') }, rows: Array.from({ length: n }, (_, i) => ({ id: from + i, q: `q${from + i}`, a: 'x' })), rowGroupSize });

describe('--shard and --shards', () => {
  it('takes i/N, 0-based', () => {
    expect(resolveShard({ shard: '0/4' })).toEqual({ index: 0, count: 4 });
    expect(resolveShard({ shard: '3/4', shards: 4 })).toEqual({ index: 3, count: 4 });
    expect(resolveShard({})).toBeUndefined();
    expect(() => resolveShard({ shard: '4/4' })).toThrow(/shards are numbered 0\.\.3 \(0-based\), so 4 is out of range/);
    expect(() => resolveShard({ shard: '1of4' })).toThrow(/expected i\/N/);
    expect(() => resolveShard({ shard: '1/4', shards: 5 })).toThrow(/--shards 5 disagrees with --shard 1\/4/);
    expect(() => resolveShard({ shards: 4 })).toThrow(/--shards 4 needs --shard auto/);
  });

  it('auto: a Kubernetes Indexed Job gives the index, --shards the count', () => {
    expect(resolveShard({ shard: 'auto', shards: 7, env: { JOB_COMPLETION_INDEX: '6' } })).toEqual({ index: 6, count: 7 });
    expect(() => resolveShard({ shard: 'auto', env: { JOB_COMPLETION_INDEX: '2' } })).toThrow(/needs --shards N, the Job's spec\.completions/);
    expect(() => resolveShard({ shard: 'auto', shards: 3, env: { JOB_COMPLETION_INDEX: '3' } })).toThrow(/JOB_COMPLETION_INDEX 3 is not below --shards 3/);
  });

  it('auto: a Slurm array gives (ID - MIN) / STEP of COUNT, and refuses arrays with holes', () => {
    const slurm = (id: number, min: number, max: number, count: number, step?: number) => ({
      SLURM_ARRAY_TASK_ID: String(id),
      SLURM_ARRAY_TASK_MIN: String(min),
      SLURM_ARRAY_TASK_MAX: String(max),
      SLURM_ARRAY_TASK_COUNT: String(count),
      ...(step ? { SLURM_ARRAY_TASK_STEP: String(step) } : {}),
    });
    expect(resolveShard({ shard: 'auto', env: slurm(0, 0, 2, 3) })).toEqual({ index: 0, count: 3 });
    expect(resolveShard({ shard: 'auto', env: slurm(7, 5, 7, 3) })).toEqual({ index: 2, count: 3 }); // --array=5-7
    expect(resolveShard({ shard: 'auto', env: slurm(7, 1, 13, 5, 3) })).toEqual({ index: 2, count: 5 }); // --array=1-13:3
    expect(() => resolveShard({ shard: 'auto', env: slurm(4, 1, 9, 3) })).toThrow(/not a contiguous range.*--array=0-2/); // --array=1,4,9
    expect(() => resolveShard({ shard: 'auto', shards: 4, env: slurm(0, 0, 2, 3) })).toThrow(/--shards 4 disagrees with the Slurm array's 3 tasks/);
    expect(() => resolveShard({ shard: 'auto', env: {} })).toThrow(/neither JOB_COMPLETION_INDEX .* nor SLURM_ARRAY_TASK_ID/);
  });
});

describe('shardRange', () => {
  it('covers every position exactly once, in order, with sizes within one of each other', () => {
    for (const total of [0, 1, 2, 7, 15, 16, 100, 214_354]) {
      for (const count of [1, 2, 3, 7, 16, 40]) {
        let next = 0;
        const sizes: number[] = [];
        for (let index = 0; index < count; index++) {
          const r = shardRange({ index, count, total });
          expect(r.start).toBe(next);
          next = r.end;
          sizes.push(r.end - r.start);
        }
        expect(next).toBe(total);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('a shard reads only its range', () => {
  it('readParquetRows skips `offset` rows without reading the row groups before them', async () => {
    await withTempDir(async (dir) => {
      // row group 0 is garbage: an offset past it must never touch it
      const file = await writeBytes(join(dir, 'g.parquet'), corruptRowGroup(numbered(30, 0, 10), 0));
      const ids: unknown[] = [];
      for await (const row of readParquetRows(file, { offset: 13, limit: 9 })) ids.push(row.id);
      expect(ids).toEqual([13, 14, 15, 16, 17, 18, 19, 20, 21]);
    });
  });

  it('streamSamples from `start` to `limit` across files gives the same samples as reading them all', async () => {
    await withTempDir(async (dir) => {
      const a = await writeBytes(join(dir, 'a.parquet'), numbered(25, 0, 10));
      const b = await writeBytes(join(dir, 'b.parquet'), numbered(12, 25, 5));
      const datasets: ResolvedDataset[] = [
        { source: 'local', spec: fakeSuite.datasets({ lmmsOrg: 'x' })[0], revision: null, files: [a, b].map((path) => ({ path, repoPath: path, size: 0 })) },
      ];
      const read = async (o: { start?: number; limit?: number }) => {
        const out: string[] = [];
        for await (const { sample, index } of streamSamples({ suite: fakeSuite, datasets, ...o })) out.push(`${index}:${sample.id}`);
        return out;
      };
      const all = await read({});
      expect(all).toHaveLength(37);
      for (const [start, end] of [[0, 12], [12, 24], [24, 37], [25, 30], [36, 37], [37, 37]]) expect(await read({ start, limit: end })).toEqual(all.slice(start, end));
    });
  });
});

describe('unionSeconds', () => {
  it('adds disjoint intervals by their own durations and counts overlaps once', () => {
    expect(unionSeconds([])).toBe(0);
    expect(unionSeconds([{ startMs: 1e12, durationSec: 1.25 }, { startMs: 1e12 + 5000, durationSec: 0.5 }])).toBe(1.75);
    // three shards: 0-10 s, 2-6 s, 8-14 s, and one later 20-21 s: 14 + 1
    const at = (s: number, d: number) => ({ startMs: 1.7e12 + s * 1000, durationSec: d });
    expect(unionSeconds([at(0, 10), at(2, 4), at(8, 6), at(20, 1)])).toBeCloseTo(15, 9);
    expect(unionSeconds([at(8, 6), at(0, 10), at(2, 4)])).toBeCloseTo(14, 9);
  });
});

describe('--shard with --conversation', () => {
  it('is refused: a shard boundary could cut a conversation in two', () => {
    expect(() => buildPlan({ flags: { suite: 'docvqa', shard: '0/2', conversation: true }, defaults: { backend: 'onnx', data: 'hub' } })).toThrow(/--shard cannot be combined with --conversation yet/);
  });
});
