// The Hugging Face Hub cache layout, shared with Python's huggingface_hub and huggingface.js
// (../shared/spec/datasets.md §5), so a model fetched by either is reused by the other:
//   $HF_HUB_CACHE/models--{org}--{name}/blobs/<etag>          file contents (<etag>.incomplete while downloading)
//                                       refs/main              the commit sha `main` resolved to
//                                       snapshots/<sha>/<path> relative symlinks to ../../blobs/<etag>
// Cache root: HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE (legacy), else $HF_HOME/hub, with HF_HOME
// defaulting to $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface. A leading `~` is expanded,
// as Python does.

import { constants } from 'node:fs';
import { access, copyFile, mkdir, readFile, readdir, rename, symlink, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

function expandHome(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? join(home, path.slice(1)) : path;
}

export function hfHome(env: Env, home: string = homedir()): string {
  if (env.HF_HOME) return expandHome(env.HF_HOME, home);
  const xdg = env.XDG_CACHE_HOME ? expandHome(env.XDG_CACHE_HOME, home) : join(home, '.cache');
  return join(xdg, 'huggingface');
}

export function hubCacheDir(env: Env, home: string = homedir()): string {
  const explicit = env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE;
  return explicit ? expandHome(explicit, home) : join(hfHome(env, home), 'hub');
}

/** HF_HUB_OFFLINE as huggingface_hub reads it: 1, ON, YES or TRUE (any case). */
export function isOffline(env: Env): boolean {
  return ['1', 'ON', 'YES', 'TRUE'].includes((env.HF_HUB_OFFLINE ?? '').trim().toUpperCase());
}

/** HF_TOKEN, else the token file `huggingface-cli login` writes ($HF_HOME/token). */
export async function hfToken(env: Env): Promise<string | undefined> {
  if (env.HF_TOKEN?.trim()) return env.HF_TOKEN.trim();
  try {
    return (await readFile(join(hfHome(env), 'token'), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface RepoCache {
  root: string;
  refPath(revision: string): string;
  snapshotDir(sha: string): string;
  blobPath(etag: string): string;
}

export function repoCache(cacheDir: string, repoId: string): RepoCache {
  const root = join(cacheDir, `models--${repoId.split('/').join('--')}`);
  return {
    root,
    refPath: (revision) => join(root, 'refs', revision),
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
export async function linkSnapshotFile(cache: RepoCache, sha: string, file: string, etag: string): Promise<void> {
  const link = join(cache.snapshotDir(sha), file);
  const blob = cache.blobPath(etag);
  await mkdir(dirname(link), { recursive: true });
  await unlink(link).catch(() => undefined); // a dangling or stale link
  try {
    await symlink(relative(dirname(link), blob), link);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return; // another process linked it
    await copyFile(blob, link);
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
