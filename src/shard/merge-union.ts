// The union of the shards' results: their samples.jsonl files copied one after the other into the
// merged run's journal (final scoring looks results up by suite and id, and writes them back in
// dataset order), with a note of which shard holds each result. Then, per suite, the check that
// the shards hold exactly the positions their ranges say: no id twice, none outside its shard's
// range, none missing. Refusals name the ids, the shards and their directories.

import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { journalKey, readJournalLines } from '../run/journal.ts';
import type { SampleSpill, SampleStub } from '../run/sample-spill.ts';
import type { ShardInput } from './merge-inputs.ts';
import { shardRange } from './shard-range.ts';

function name(s: ShardInput): string {
  return `shard ${s.file.index}/${s.file.count} (${s.dir})`;
}

function some(ids: readonly string[]): string {
  return ids.length > 5 ? `${ids.slice(0, 5).join(', ')}, … (${ids.length} in all)` : ids.join(', ');
}

/** Copies every shard's samples.jsonl into `journal`; returns which shard holds each suite/id. */
export async function unionJournals(p: { shards: readonly ShardInput[]; journal: string }): Promise<Map<string, ShardInput>> {
  const owner = new Map<string, ShardInput>();
  const duplicates: string[] = [];
  const fd = openSync(p.journal, 'w');
  try {
    for (const shard of p.shards) {
      const path = join(shard.dir, 'samples.jsonl');
      const mine = new Set<string>();
      for await (const { result } of readJournalLines(path)) {
        const key = journalKey(result.suite, result.id);
        const other = owner.get(key);
        if (other && other !== shard) duplicates.push(`${key} in ${name(other)} and ${name(shard)}`);
        owner.set(key, shard);
        mine.add(key);
      }
      // shard.json vouched for these bytes (merge-inputs.ts); copied as they are
      const text = readFileSync(path);
      writeSync(fd, text);
      if (text.length && text[text.length - 1] !== 10) writeSync(fd, '\n');
    }
  } finally {
    closeSync(fd);
  }
  if (duplicates.length) throw new UserError(`merge: duplicated ids, each held by two shards: ${some(duplicates)}. The shards overlap; rerun them from one sharding.`);
  return owner;
}

/** A shard present in the merge and its range of a suite's selection. */
interface Held {
  shard: ShardInput;
  start: number;
  end: number;
}

/**
 * Checks that the shards hold exactly their ranges of the suite's full selection (`samples`, in
 * dataset order); returns the ranges the merge scores: all of the selection, or with
 * --allow-partial the ranges of the shards present (in order, so dataset order).
 */
export function checkAssignment(p: { suite: string; samples: SampleSpill; shards: readonly ShardInput[]; owner: ReadonlyMap<string, ShardInput> }): Held[] {
  const { suite, samples } = p;
  const total = samples.count;
  const held: Held[] = p.shards.map((shard) => {
    const recorded = shard.file.suites[suite];
    if (!recorded) throw new UserError(`merge: ${name(shard)} has no ${suite} results in its shard.json; resume it to finish the suite.`);
    const range = shardRange({ index: shard.file.index, count: shard.file.count, total });
    if (recorded.start !== range.start || recorded.end !== range.end || recorded.total !== total) {
      throw new UserError(
        `merge: ${name(shard)} ran ${suite} positions ${recorded.start}-${recorded.end} of ${recorded.total}, but shard ${shard.file.index}/${shard.file.count} of the ${total} samples in the data is ${range.start}-${range.end}. The data or the selection changed; rerun the shards.`,
      );
    }
    return { shard, ...range };
  });
  const lacking = new Map<ShardInput, string[]>();
  const elsewhere: string[] = [];
  let pos = 0;
  for (const stub of inRanges(samples, held, (h) => (pos = h))) {
    const mine = held.find((h) => pos >= h.start && pos < h.end)!.shard;
    const holder = p.owner.get(journalKey(suite, stub.id));
    if (holder === undefined) lacking.set(mine, [...(lacking.get(mine) ?? []), stub.id]);
    else if (holder !== mine) elsewhere.push(`${stub.id} (in ${name(holder)}, belongs to ${name(mine)})`);
  }
  if (elsewhere.length) throw new UserError(`merge: ${suite} ids held by a shard other than the one whose range they are in: ${some(elsewhere)}. The shards conflict; rerun them from one sharding.`);
  for (const [shard, ids] of lacking) {
    throw new UserError(`merge: ${name(shard)} has no result for ${ids.length} of its ${suite} samples (${some(ids)}). Resume it: vlm-harness eval --resume ${shard.dir}`);
  }
  // every position is held by its shard; anything else a shard holds lies outside its range
  const owned = new Map<ShardInput, number>();
  for (const [key, holder] of p.owner) if (key.startsWith(`${suite}/`)) owned.set(holder, (owned.get(holder) ?? 0) + 1);
  if (held.some((h) => (owned.get(h.shard) ?? 0) !== h.end - h.start)) {
    const inRange = new Set<string>();
    for (const stub of inRanges(samples, held)) inRange.add(stub.id);
    const stray: string[] = [];
    for (const [key, holder] of p.owner) if (key.startsWith(`${suite}/`) && !inRange.has(key.slice(suite.length + 1))) stray.push(`${key.slice(suite.length + 1)} (in ${name(holder)})`);
    throw new UserError(`merge: ${suite} results outside their shard's range of the selection: ${some(stray)}. The shards conflict with the data; rerun them.`);
  }
  return held;
}

/** The samples at the positions the ranges cover, in order; `at` is told each one's position. */
export function* inRanges(samples: SampleSpill, ranges: ReadonlyArray<{ start: number; end: number }>, at?: (pos: number) => void): Generator<SampleStub> {
  let pos = 0;
  let k = 0;
  for (const stub of samples.read()) {
    while (k < ranges.length && pos >= ranges[k].end) k++;
    if (k === ranges.length) return;
    if (pos >= ranges[k].start) {
      at?.(pos);
      yield stub;
    }
    pos++;
  }
}
