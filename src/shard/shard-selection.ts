// A shard's part of one suite's selection. The selection is what an unsharded run would evaluate:
// every row, the first --limit rows, or the --ids rows, in dataset order. Its size M is known from
// the parquet footers (no rows read) except for --ids, whose rows are found by reading the data
// once. The shard runs the positions shardRange() gives it; `fingerprint` names the full selection.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { filesFingerprint } from '../data/files-fingerprint.ts';
import { streamSamples, type ResolvedDataset } from '../data/dataset.ts';
import { UserError } from '../errors.ts';
import { readConfigFile } from '../run/plan/run-config.ts';
import type { Suite } from '../types.ts';
import type { SuiteShard } from './shard-record.ts';
import { shardRange } from './shard-range.ts';
import { shardText, type ShardSpec } from './shard-spec.ts';

export interface ShardSelection {
  /** For shard.json: the full selection's size and fingerprint, and this shard's range. */
  record: SuiteShard;
  /** What runSuite streams: a range of positions, or (with --ids) this shard's ids. */
  stream: { start: number; limit: number } | { ids: ReadonlySet<string> };
  /** Samples this shard runs. */
  count: number;
  /** --ids found nowhere in the data (reported once, by every shard alike). */
  absentIds: string[];
}

/** sha256 over the data files, the selection rule and its size: equal values, equal full id sets. */
export function selectionFingerprint(p: { files: string; limit?: number; ids?: readonly string[]; total: number }): string {
  const rule = p.ids ? `ids:${createHash('sha256').update(p.ids.join('\n')).digest('hex')}` : `limit:${p.limit ?? 'none'}`;
  return `sha256:${createHash('sha256').update(`${p.files}\n${rule}\n${p.total}`).digest('hex')}`;
}

export async function shardSelection(p: {
  suite: Pick<Suite, 'id' | 'toSample'>;
  datasets: readonly ResolvedDataset[];
  shard: ShardSpec;
  limit?: number;
  ids?: readonly string[];
  /** The selection's size from the parquet footers (capped by --limit); unused with --ids. */
  rows: number | null;
}): Promise<ShardSelection> {
  const files = filesFingerprint(p.datasets);
  if (p.ids) {
    // The ids' dataset order is only known by reading the rows; every shard reads them alike.
    const wanted = new Set(p.ids);
    const found: string[] = [];
    for await (const { sample } of streamSamples({ suite: p.suite, datasets: p.datasets, ids: wanted })) found.push(sample.id);
    const range = shardRange({ index: p.shard.index, count: p.shard.count, total: found.length });
    const have = new Set(found);
    return {
      record: { total: found.length, fingerprint: selectionFingerprint({ files, ids: p.ids, total: found.length }), ...range },
      stream: { ids: new Set(found.slice(range.start, range.end)) },
      count: range.end - range.start,
      absentIds: p.ids.filter((id) => !have.has(id)),
    };
  }
  if (p.rows === null) throw new Error('shardSelection: the selection size is unknown');
  const range = shardRange({ index: p.shard.index, count: p.shard.count, total: p.rows });
  return {
    record: { total: p.rows, fingerprint: selectionFingerprint({ files, ...(p.limit !== undefined ? { limit: p.limit } : {}), total: p.rows }), ...range },
    stream: { start: range.start, limit: range.end },
    count: range.end - range.start,
    absentIds: [],
  };
}

/**
 * Refuses to mix shards in one run directory: a directory that holds results of shard 2/7 takes
 * only shard 2/7 again (a rescheduled pod, a resume), and an unsharded run takes no shard.
 */
export function checkRunDirShard(runDir: string, shard: ShardSpec | undefined): void {
  const path = join(runDir, 'config.json');
  if (!existsSync(path)) return;
  const saved = readConfigFile(path).shard;
  const now = shard ? shardText(shard) : undefined;
  if (saved === now) return;
  const was = saved ? `shard ${saved}` : 'an unsharded run';
  const is = now ? `shard ${now}` : 'an unsharded run';
  throw new UserError(`${runDir} holds ${was}; this invocation is ${is}. Give each shard its own --out (e.g. runs/shard-$JOB_COMPLETION_INDEX), or --resume ${runDir} as it was.`);
}
