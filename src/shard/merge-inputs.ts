// The shard directories `vlm-harness merge` is given, read and checked before anything is written:
// each must be a finished shard whose samples.jsonl is the one its shard.json describes, and
// together they must be one sharded run: one shard count, every index once, one identity, one
// harness version, one full selection per suite. Every refusal is a UserError that names the
// directories and the fix. With `allowPartial`, missing and unfinished shards are left out (and
// named); everything else is still refused.

import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { loadRun } from '../report/load-run.ts';
import type { Results } from '../report/schema.ts';
import { identityDifferences, stableJson } from '../run/identity.ts';
import { readConfigFile, type RunConfig } from '../run/plan/run-config.ts';
import { readRunFile, type Invocation } from '../run/run-record.ts';
import { hashLines, readShardFile, type ShardFile } from './shard-record.ts';

export interface ShardInput {
  dir: string;
  file: ShardFile;
  results: Results;
  invocations: Invocation[];
  /** The shard's saved configuration (config.json). */
  config: RunConfig;
}

export interface ShardSet {
  count: number;
  /** The shards to merge, by index. */
  shards: ShardInput[];
  /** Indexes with no finished shard (only with allowPartial). */
  missing: number[];
  /** Why each left-out directory was left out (allowPartial). */
  leftOut: string[];
}

function label(s: { index: number; count: number }, dir: string): string {
  return `shard ${s.index}/${s.count} (${dir})`;
}

/** Reads one shard directory; a UserError when it is not a finished, unchanged shard. */
export async function readShard(dir: string): Promise<ShardInput> {
  const file = readShardFile(dir);
  const me = label(file, dir);
  const { sha256, lines } = await hashLines(join(dir, 'samples.jsonl')).catch(() => ({ sha256: 'none', lines: 0 }));
  if (sha256 !== file.samplesSha256 || lines !== file.samples) {
    throw new UserError(
      `${me}: samples.jsonl is not the file shard.json describes (sha256 ${sha256.slice(0, 12)}…, ${lines} lines; shard.json says ${file.samplesSha256.slice(0, 12)}…, ${file.samples} lines). ` +
        `It changed after the shard finished: resume the shard (vlm-harness eval --resume ${dir}) to finish it again.`,
    );
  }
  if (!file.completed) throw new UserError(`${me} did not finish (its last invocation was interrupted or failed). Resume it: vlm-harness eval --resume ${dir}`);
  const { results } = loadRun(dir);
  if (!results.completed) throw new UserError(`${me}: results.json says the run is incomplete. Resume it: vlm-harness eval --resume ${dir}`);
  return { dir, file, results, invocations: readRunFile(dir).invocations, config: readConfigFile(join(dir, 'config.json')) };
}

/** Every way `b` is not the same run as `a`, one phrase each (empty: same run). */
function differences(a: ShardInput, b: ShardInput): string[] {
  const [la, lb] = [`in shard ${a.file.index}/${a.file.count}`, `in shard ${b.file.index}/${b.file.count}`];
  const out = identityDifferences(a.file.identity, b.file.identity, { run: la, now: lb });
  if (!out.length && stableJson(a.file.identity) !== stableJson(b.file.identity)) out.push(`run identity ${stableJson(a.file.identity)} ${la}, ${stableJson(b.file.identity)} ${lb}`);
  if (a.file.harness.version !== b.file.harness.version) out.push(`harness version ${a.file.harness.version} ${la}, ${b.file.harness.version} ${lb}`);
  for (const [suite, sa] of Object.entries(a.file.suites)) {
    const sb = b.file.suites[suite];
    if (!sb) continue; // a different suite list is an identity difference, reported above
    if (sa.fingerprint !== sb.fingerprint || sa.total !== sb.total) {
      out.push(`${suite}: full selection ${sa.fingerprint.slice(7, 19)}… of ${sa.total} samples ${la}, ${sb.fingerprint.slice(7, 19)}… of ${sb.total} ${lb} (--data, --revision, --limit, --ids)`);
    }
  }
  return out;
}

/** Reads and checks the shard directories as one sharded run. */
export async function readShardSet(p: { dirs: readonly string[]; allowPartial: boolean }): Promise<ShardSet> {
  if (p.dirs.length === 0) throw new UserError('merge: no shard directories given. Example: vlm-harness merge runs/shard-* --out runs/merged');
  const shards: ShardInput[] = [];
  const leftOut: string[] = [];
  for (const dir of p.dirs) {
    try {
      shards.push(await readShard(dir));
    } catch (e) {
      if (!(e instanceof UserError) || !p.allowPartial) throw e;
      leftOut.push(e.message);
    }
  }
  if (shards.length === 0) throw new UserError(`merge: none of the ${p.dirs.length} directories holds a finished shard:\n  ${leftOut.join('\n  ')}`);
  const count = shards[0].file.count;
  const other = shards.find((s) => s.file.count !== count);
  if (other) {
    throw new UserError(`merge: the directories belong to different shardings: ${label(shards[0].file, shards[0].dir)} and ${label(other.file, other.dir)}. Give the shards of one run.`);
  }
  const byIndex = new Map<number, ShardInput>();
  for (const s of shards) {
    const twin = byIndex.get(s.file.index);
    if (twin) throw new UserError(`merge: two directories hold shard ${s.file.index}/${count}: ${twin.dir} and ${s.dir}. Give each shard once.`);
    byIndex.set(s.file.index, s);
  }
  const first = [...byIndex.values()].sort((a, b) => a.file.index - b.file.index)[0];
  for (const s of byIndex.values()) {
    const diff = s === first ? [] : differences(first, s);
    if (diff.length) {
      throw new UserError(`merge: ${label(s.file, s.dir)} is not the same run as ${label(first.file, first.dir)}: ${diff.join('; ')}. Merge only the shards of one run.`);
    }
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length && !p.allowPartial) {
    const names = missing.map((i) => `${i}/${count}`).join(', ');
    throw new UserError(
      `merge: shard${missing.length > 1 ? 's' : ''} ${names} missing (${byIndex.size} of ${count} given). Give ${missing.length > 1 ? 'their directories' : 'its directory'}, rerun ${missing.length > 1 ? 'them' : 'it'} (--shard i/${count}), or pass --allow-partial for a result marked partial.`,
    );
  }
  return { count, shards: [...byIndex.values()].sort((a, b) => a.file.index - b.file.index), missing, leftOut };
}
