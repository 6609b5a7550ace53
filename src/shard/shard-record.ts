// shard.json: what a shard directory says about itself, for `vlm-harness merge`. A shard is a
// normal run directory (results.json, samples.jsonl, run.json …) plus this file, written at the end
// of every invocation of the shard:
// - `index`/`count`: which shard of how many (shard-spec.ts);
// - `identity`: the run identity (src/run/identity.ts), the same in every shard of one run;
// - `harness`: the version (and commit) that ran it;
// - per suite, the *full* selection (all shards together): its size, its fingerprint (data files,
//   --limit/--ids and size, so equal fingerprints mean the same full id set), and the shard's range;
// - `samples`/`samplesSha256`: the lines and sha256 of samples.jsonl as the shard left it, so a
//   file changed or truncated since is refused instead of merged.

import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import type { RunIdentity } from '../run/identity.ts';
import type { ShardSpec } from './shard-spec.ts';

export const SHARD_FILE = 'shard.json';

const suiteShardSchema = z.object({
  /** Samples in the full selection, all shards together. */
  total: z.number().int().min(0),
  /** sha256 over the data-file fingerprint, the selection rule and `total`. */
  fingerprint: z.string(),
  /** This shard's positions in the selection, [start, end). */
  start: z.number().int().min(0),
  end: z.number().int().min(0),
});

export const shardFileSchema = z.object({
  version: z.literal(1),
  index: z.number().int().min(0),
  count: z.number().int().min(1),
  completed: z.boolean(),
  identity: z.custom<RunIdentity>((v) => typeof v === 'object' && v !== null && 'suites' in v && 'backend' in v, 'a run identity'),
  harness: z.object({ version: z.string(), gitCommit: z.string().nullable() }),
  suites: z.record(z.string(), suiteShardSchema),
  /** Result lines in samples.jsonl. */
  samples: z.number().int().min(0),
  samplesSha256: z.string(),
  writtenAt: z.string(),
});

export type ShardFile = z.infer<typeof shardFileSchema>;
export type SuiteShard = z.infer<typeof suiteShardSchema>;

/** sha256 (hex) and the number of non-empty lines of a file, streamed. */
export async function hashLines(path: string): Promise<{ sha256: string; lines: number }> {
  const hash = createHash('sha256');
  let lines = 0;
  let pending = false; // bytes since the last newline
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === 10) {
        if (pending) lines++;
        pending = false;
      } else pending = true;
    }
  }
  if (pending) lines++;
  return { sha256: hash.digest('hex'), lines };
}

export async function writeShardFile(p: {
  runDir: string;
  shard: ShardSpec;
  completed: boolean;
  identity: RunIdentity;
  harness: ShardFile['harness'];
  suites: Record<string, SuiteShard>;
  now?: Date;
}): Promise<ShardFile> {
  const journal = join(p.runDir, 'samples.jsonl');
  const { sha256, lines } = existsSync(journal) ? await hashLines(journal) : { sha256: createHash('sha256').digest('hex'), lines: 0 };
  const file: ShardFile = {
    version: 1,
    index: p.shard.index,
    count: p.shard.count,
    completed: p.completed,
    identity: p.identity,
    harness: p.harness,
    suites: p.suites,
    samples: lines,
    samplesSha256: sha256,
    writtenAt: (p.now ?? new Date()).toISOString(),
  };
  const path = join(p.runDir, SHARD_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return file;
}

/** A shard directory's shard.json, checked; a UserError naming the directory when it is not one. */
export function readShardFile(dir: string): ShardFile {
  const path = join(dir, SHARD_FILE);
  if (!existsSync(path)) {
    const why = existsSync(join(dir, 'samples.jsonl'))
      ? 'it holds a run but no shard.json: the run was not sharded (eval --shard), or the shard has not finished yet'
      : 'it holds no run at all';
    throw new UserError(`${dir} is not a finished shard: ${why}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${path}: not readable JSON (${(e as Error).message.split('\n')[0]}). Resume the shard (vlm-harness eval --resume ${dir}) to write it again.`);
  }
  const parsed = shardFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${path}: '${issue.path.join('.') || '(top level)'}': ${issue.message}. Resume the shard (vlm-harness eval --resume ${dir}) to write it again.`);
  }
  return parsed.data;
}
