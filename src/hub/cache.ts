// The Hugging Face Hub cache layout, shared with Python's huggingface_hub and huggingface.js
// (../shared/spec/datasets.md §5), so files fetched by either are reused by the other:
//   $HF_HUB_CACHE/{models|datasets}--{org}--{name}/blobs/<etag>     contents (<etag>.incomplete while downloading)
//                                                  refs/<revision>  the commit sha a branch resolved to
//                                                  snapshots/<sha>/<path>  relative links to ../../blobs/<etag>
// <etag> is the sha256 for LFS/xet files and the git blob sha1 for plain ones.
// Cache root: HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE (legacy), else $HF_HOME/hub. A leading `~`
// is expanded, as Python does (@huggingface/hub does not: §4.6).

import { constants } from 'node:fs';
import { access, copyFile, mkdir, readdir, readFile, readlink, rename, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { expandHome, hfHome, type Env } from './env.ts';
import { repoFolderName, type RepoRef } from './repo.ts';

export function hubCacheDir(env: Env, home: string = homedir()): string {
  const explicit = env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE;
  return explicit ? expandHome(explicit, home) : join(hfHome(env, home), 'hub');
}

export interface RepoCache {
  root: string;
  refPath(revision: string): string;
  snapshotDir(sha: string): string;
  blobPath(etag: string): string;
}

export function repoCache(cacheDir: string, repo: RepoRef): RepoCache {
  const root = join(cacheDir, repoFolderName(repo));
  return {
    root,
    // `refs/convert/parquet` nests as refs/refs/convert/parquet, as in Python
    refPath: (revision) => join(root, 'refs', ...revision.split('/')),
    snapshotDir: (sha) => join(root, 'snapshots', sha),
    blobPath: (etag) => join(root, 'blobs', etag),
  };
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK); // follows symlinks: a dangling link is "missing"
    return true;
  } catch {
    return false;
  }
}

/** The size of a file (following links), or undefined when it is not there. */
export async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

export async function readRef(cache: RepoCache, revision: string): Promise<string | undefined> {
  try {
    const sha = (await readFile(cache.refPath(revision), 'utf8')).trim();
    return sha || undefined;
  } catch {
    return undefined;
  }
}

export async function writeRef(cache: RepoCache, revision: string, sha: string): Promise<void> {
  const path = cache.refPath(revision);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, sha);
  await rename(tmp, path);
}

/** Points snapshots/<sha>/<file> at blobs/<etag> with a relative symlink, or a copy where links fail. */
export async function linkSnapshotFile(cache: RepoCache, sha: string, file: string, etag: string): Promise<string> {
  const link = join(cache.snapshotDir(sha), file);
  const blob = cache.blobPath(etag);
  await mkdir(dirname(link), { recursive: true });
  await unlink(link).catch(() => undefined); // a dangling or stale link
  try {
    await symlink(relative(dirname(link), blob), link);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') await copyFile(blob, link); // EEXIST: another process linked it
  }
  return link;
}

/** The blob name a snapshot file links to (its etag), or undefined for a copy or a missing file. */
export async function snapshotEtag(link: string): Promise<string | undefined> {
  try {
    return basename(await readlink(link));
  } catch {
    return undefined;
  }
}

/** Relative paths of the files under a snapshot (following the links), `/`-separated. */
export async function listSnapshot(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile() || e.isSymbolicLink())
      .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
      .sort();
  } catch {
    return [];
  }
}
