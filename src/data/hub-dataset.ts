// `--data hub`: a suite's split from the Hugging Face Hub, cached in the layout Python's
// huggingface_hub and `datasets` share (../shared/spec/datasets.md §5 "Recipe for the harness"):
//   1. GET {E}/api/datasets/{repo}/revision/{rev} → the commit sha; refs/{rev} is written here,
//      since @huggingface/hub would not (§4.4);
//   2. the files the spec's globs select are taken from snapshots/<sha>/ when all are there (no
//      further request; none at all when --revision is a sha), else listed from their folder only
//      (hub-data-files.ts) and downloaded, checked and linked (src/hub/download.ts).
// HF_HUB_OFFLINE=1 reads refs/{rev} and the snapshot without any HTTP. When the Hub cannot be
// reached, a cached copy of the revision is used as Python does, else DatasetUnavailableError lets
// the caller fall back to the bundled sample. HF_TOKEN is sent, never shown.

import { UserError } from '../errors.ts';
import { hubCacheDir, readRef, repoCache, writeRef, type RepoCache } from '../hub/cache.ts';
import { createHubClient, type HubClient, type RepoFile } from '../hub/client.ts';
import { ensureSnapshotFiles } from '../hub/download.ts';
import { hfToken, hubEndpoint, isOffline, type Env } from '../hub/env.ts';
import { HubUnavailableError, HubUnreachableError, scrubSecret } from '../hub/errors.ts';
import { isCommitSha, isRepoId, isRevision, type RepoRef } from '../hub/repo.ts';
import type { DatasetSpec } from '../types.ts';
import { cachedDatasetFiles, describeCachedFile } from './cached-dataset-files.ts';
import type { DatasetFile, ResolvedDataset } from './dataset.ts';
import { matchesAny } from './glob.ts';
import { listDataFiles } from './hub-data-files.ts';

/** The split is neither reachable on the Hub nor in the cache; the caller may fall back to a sample. */
export class DatasetUnavailableError extends HubUnavailableError {
  override name = 'DatasetUnavailableError';
}

/** A download's progress: bytes of `file` present so far, out of `total` when known. */
export interface DatasetProgress {
  repo: string;
  file: string;
  bytes: number;
  total: number | null;
}

export interface ResolveHubDatasetOptions {
  /** A branch, tag or 40-hex commit sha; `main` by default. */
  revision?: string;
  env?: Env;
  fetch?: typeof globalThis.fetch;
  /** Hub cache root; by default HF_HUB_CACHE / HF_HOME/hub (src/hub/cache.ts). */
  cacheDir?: string;
  onProgress?: (event: DatasetProgress) => void;
  signal?: AbortSignal;
  /** Waits between 429 retries (tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Time limit for metadata requests; 20 s by default. */
  timeoutMs?: number;
}

const NOT_FOUND_HINT = 'check --lmms-org / the repo name';

export async function resolveHubDataset(spec: DatasetSpec, opts: ResolveHubDatasetOptions = {}): Promise<ResolvedDataset> {
  const env = opts.env ?? process.env;
  const revision = opts.revision ?? 'main';
  if (!isRepoId(spec.repo)) throw new UserError(`'${spec.repo}' is not a Hub dataset id (org/name).`);
  if (!isRevision(revision)) throw new UserError(`--revision '${revision}' is not a branch, tag or commit sha.`);
  if (spec.dataFiles.some((g) => g.split('/').includes('..') || g.startsWith('/'))) throw new UserError(`Data file globs must stay inside the repo: ${spec.dataFiles.join(', ')}.`);
  const repo: RepoRef = { type: 'dataset', id: spec.repo };
  const cache = repoCache(opts.cacheDir ?? hubCacheDir(env), repo);
  if (isOffline(env)) return fromCache(spec, cache, revision, 'HF_HUB_OFFLINE is set', 'offline');
  if (isCommitSha(revision)) {
    const cached = await cachedDatasetFiles(cache, revision, spec.dataFiles);
    if (cached.files.length && !cached.missingShards.length) return { source: 'cache', spec, revision, files: cached.files };
  }

  const endpoint = hubEndpoint(env);
  const token = await hfToken(env);
  const client = createHubClient({
    endpoint,
    ...(token ? { token } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    timeoutMs: opts.timeoutMs ?? 20_000,
  });
  try {
    return await online(spec, opts, { client, repo, cache, revision });
  } catch (e) {
    throw scrubSecret(e, token);
  }
}

async function online(
  spec: DatasetSpec,
  opts: ResolveHubDatasetOptions,
  ctx: { client: HubClient; repo: RepoRef; cache: RepoCache; revision: string },
): Promise<ResolvedDataset> {
  const { client, repo, cache, revision } = ctx;
  let sha: string | undefined;
  let wanted: RepoFile[];
  try {
    const info = await client.revisionInfo(repo, revision, { notFoundHint: NOT_FOUND_HINT });
    sha = info.sha;
    if (!isCommitSha(revision)) await writeRef(cache, revision, sha);
    // The revision's file names come with it: a complete snapshot needs no further request.
    const names = info.siblings?.map((s) => s.rfilename).filter((p) => matchesAny(p, spec.dataFiles)) ?? [];
    if (names.length) {
      const cached = await cachedDatasetFiles(cache, sha, spec.dataFiles);
      const have = new Set(cached.files.map((f) => f.repoPath));
      if (names.every((n) => have.has(n))) return { source: 'cache', spec, revision: sha, files: cached.files.filter((f) => names.includes(f.repoPath)) };
    }
    wanted = await listDataFiles(client, repo, sha, spec);
  } catch (e) {
    if (!(e instanceof HubUnreachableError)) throw e;
    return fromCache(spec, cache, sha ?? revision, `The Hub at ${client.endpoint} is unreachable (${e.message})`, 'unreachable');
  }

  let got;
  try {
    got = await ensureSnapshotFiles({
      client,
      repo,
      cache,
      sha,
      files: wanted,
      onBytes: (file, bytes, total) => opts.onProgress?.({ repo: repo.id, file, bytes, total }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (e) {
    // a failure part-way through a download never falls back to the sample: the user reruns
    if (e instanceof HubUnreachableError) throw new UserError(e.message, 1);
    throw e;
  }
  const files: DatasetFile[] = await Promise.all(
    got.map((f) => (f.cached ? describeCachedFile(f.path, f.repoPath) : { path: f.path, repoPath: f.repoPath, size: f.size!, sha256: f.sha256! })),
  );
  const downloaded = got.some((f) => f.downloadedBytes > 0);
  return { source: downloaded ? 'hub' : 'cache', spec, revision: sha, files };
}

async function fromCache(spec: DatasetSpec, cache: RepoCache, revision: string, why: string, reason: 'offline' | 'unreachable'): Promise<ResolvedDataset> {
  const fix =
    reason === 'offline'
      ? 'Run once with network access and HF_HUB_OFFLINE unset to download it, or use --data sample.'
      : 'Check the network and HF_ENDPOINT, or use --data sample.';
  const sha = isCommitSha(revision) ? revision : await readRef(cache, revision);
  if (!sha) {
    throw new DatasetUnavailableError(`${why}, and dataset ${spec.repo} (revision ${revision}) is not in the Hub cache: ${cache.root} has no refs/${revision}. ${fix}`, reason);
  }
  const cached = await cachedDatasetFiles(cache, sha, spec.dataFiles);
  if (cached.files.length === 0 || cached.missingShards.length) {
    const what = cached.files.length ? `lacks ${cached.missingShards.join(', ')}` : `has no file matching ${spec.dataFiles.join(', ')}`;
    throw new DatasetUnavailableError(`${why}, and the cached snapshot of dataset ${spec.repo} (${cache.snapshotDir(sha)}) ${what} (config '${spec.config}', split '${spec.split}'). ${fix}`, reason);
  }
  return { source: 'cache', spec, revision: sha, files: cached.files };
}
