// The files of a dataset split already in the Hub cache: snapshots/<sha>/ entries matching the
// suite's `data_files` globs (../shared/spec/datasets.md §5, "Python offline mode"). A split
// sharded as `…-00000-of-00003…` is complete only with every shard, so a snapshot left half-way by
// an interrupted download is not mistaken for the whole split.

import { join } from 'node:path';
import type { RepoCache } from '../hub/cache.ts';
import { exists, fileSize, listSnapshot, snapshotEtag } from '../hub/cache.ts';
import { hashFile } from '../hub/download.ts';
import type { DatasetFile } from './dataset.ts';
import { matchesAny } from './glob.ts';

export interface CachedFiles {
  files: DatasetFile[];
  /** Shards named by the `-k-of-n` convention that are absent, as `Math/test-00001-of-00002*`. */
  missingShards: string[];
}

const SHARD = /^(.*)-(\d{5})-of-(\d{5})(?=[.-])/;

/** Shard names that a set of paths implies but does not hold. */
export function missingShards(paths: readonly string[]): string[] {
  const seen = new Map<string, { width: number; n: number; have: Set<number> }>();
  for (const path of paths) {
    const m = SHARD.exec(path);
    if (!m) continue;
    const key = `${m[1]}\0${m[3]}`;
    const group = seen.get(key) ?? { width: m[2].length, n: Number(m[3]), have: new Set<number>() };
    group.have.add(Number(m[2]));
    seen.set(key, group);
  }
  const missing: string[] = [];
  for (const [key, g] of seen) {
    const [prefix, total] = key.split('\0');
    for (let k = 0; k < g.n; k++) if (!g.have.has(k)) missing.push(`${prefix}-${String(k).padStart(g.width, '0')}-of-${total}*`);
  }
  return missing;
}

/** Files under snapshots/<sha>/ that match `globs`, sorted by path, with size and sha256. */
export async function cachedDatasetFiles(cache: RepoCache, sha: string, globs: readonly string[]): Promise<CachedFiles> {
  const dir = cache.snapshotDir(sha);
  const files: DatasetFile[] = [];
  for (const repoPath of await listSnapshot(dir)) {
    if (!matchesAny(repoPath, globs)) continue;
    const path = join(dir, repoPath);
    if (!(await exists(path))) continue; // a dangling link: its blob was deleted
    files.push(await describeCachedFile(path, repoPath));
  }
  files.sort((a, b) => (a.repoPath < b.repoPath ? -1 : a.repoPath > b.repoPath ? 1 : 0));
  return { files, missingShards: missingShards(files.map((f) => f.repoPath)) };
}

/** Size and sha256 of a snapshot file: LFS blobs are named by their sha256, others are hashed. */
export async function describeCachedFile(path: string, repoPath: string): Promise<DatasetFile> {
  const etag = await snapshotEtag(path);
  const sha256 = etag && /^[0-9a-f]{64}$/.test(etag) ? etag : await hashFile(path);
  return { path, repoPath, size: (await fileSize(path)) ?? 0, sha256 };
}
