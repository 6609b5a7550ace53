// Fetches a Hub model's files for one dtype into the Hugging Face cache (src/hub/cache.ts) and returns
// the snapshot folder, which transformers.js then loads as a local folder. Only what the dtype
// needs is fetched (model-files.ts): a 256M model has ~20 ONNX variants and we want three of them.
// The recipe is huggingface_hub's (../shared/spec/datasets.md §5), through the shared Hub client:
//   1. GET {HF_ENDPOINT}/api/models/{id}/revision/{rev}?blobs=true → commit sha and each file's blob
//      id (lfs.sha256 for LFS/xet files, else the git blob id), which names the blob; refs/{rev};
//   2. each needed file not in snapshots/<sha>/: src/hub/download.ts (checked, resumable).
// HF_HUB_OFFLINE=1 skips the network and reads refs/main and the snapshot. When the Hub cannot be
// reached (DNS, refused, timeout, 5xx) a complete cached snapshot is used, as Python does; with none,
// ModelUnavailableError says so, and the default-model logic falls back to the tiny model.
// HF_TOKEN goes only into the Authorization header, never into a message.

import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { exists, hubCacheDir, listSnapshot, readRef, repoCache, writeRef, type RepoCache } from '../hub/cache.ts';
import { createHubClient, type RepoFile, type Sibling } from '../hub/client.ts';
import { ensureSnapshotFiles } from '../hub/download.ts';
import { hfToken, hubEndpoint, isOffline, type Env } from '../hub/env.ts';
import { HubUnavailableError, HubUnreachableError, scrubSecret } from '../hub/errors.ts';
import { isCommitSha, isRepoId, isRevision, type RepoRef } from '../hub/repo.ts';
import { dtypesIn, filesFor, type OnnxDtype } from './model-files.ts';

/** The model's files cannot be had without a network that is not there; the caller may fall back. */
export class ModelUnavailableError extends HubUnavailableError {
  override name = 'ModelUnavailableError';
}

export type ModelProgress =
  | { kind: 'download'; model: string; file: string; loadedBytes: number; totalBytes: number | null }
  | { kind: 'cached'; model: string; file: string };

export interface ResolveModelOptions {
  /** Hub repo id, e.g. `HuggingFaceTB/SmolVLM-256M-Instruct`. */
  model: string;
  dtype: OnnxDtype;
  revision?: string;
  /** Hub cache root; by default from HF_HUB_CACHE / HF_HOME (src/hub/cache.ts). */
  cacheDir?: string;
  env?: Env;
  fetch?: typeof globalThis.fetch;
  onProgress?: (event: ModelProgress) => void;
  /** Time limit for the metadata request; 20 s by default. */
  metadataTimeoutMs?: number;
}

export interface ResolvedModel {
  /** The snapshot folder, to hand to transformers.js. */
  dir: string;
  modelId: string;
  sha: string;
  files: string[];
  source: 'hub' | 'cache';
  downloadedBytes: number;
}

export async function resolveModel(o: ResolveModelOptions): Promise<ResolvedModel> {
  const env = o.env ?? process.env;
  const revision = o.revision ?? 'main';
  if (!isRepoId(o.model)) throw new UserError(`'${o.model}' is neither a local model folder nor a Hub model id (org/name).`);
  if (!isRevision(revision)) throw new UserError(`Revision '${revision}' of model '${o.model}' is not a branch, tag or commit sha.`);
  const repo: RepoRef = { type: 'model', id: o.model };
  const cache = repoCache(o.cacheDir ?? hubCacheDir(env), repo);
  if (isOffline(env)) return fromCache(o, cache, revision, 'HF_HUB_OFFLINE is set', 'offline');

  const endpoint = hubEndpoint(env);
  const token = await hfToken(env);
  const client = createHubClient({ endpoint, ...(token ? { token } : {}), ...(o.fetch ? { fetch: o.fetch } : {}), timeoutMs: o.metadataTimeoutMs ?? 20_000 });
  try {
    let sha: string;
    let repoFiles: RepoFile[];
    try {
      const info = await client.revisionInfo(repo, revision, { blobs: true, notFoundHint: 'check --model' });
      sha = info.sha;
      repoFiles = info.siblings ? info.siblings.map(siblingFile) : await client.listFiles(repo, sha, { path: '', recursive: true });
    } catch (e) {
      if (e instanceof HubUnreachableError) return await fromCache(o, cache, revision, `The Hub at ${endpoint} is unreachable (${e.message})`, 'unreachable');
      throw e;
    }
    if (!isCommitSha(revision)) await writeRef(cache, revision, sha);

    const names = repoFiles.map((f) => f.path);
    const { files, missing } = filesFor(o.dtype, names);
    if (missing.length > 0) {
      const dtypes = dtypesIn(names);
      throw new UserError(
        `Model '${o.model}' has no ${missing.join(', ')}, needed for --dtype ${o.dtype}. ` +
          (dtypes.length ? `Its ONNX files cover: ${dtypes.join(', ')}.` : 'It has no transformers.js ONNX files (onnx/vision_encoder*.onnx, onnx/embed_tokens*.onnx, onnx/decoder_model_merged*.onnx).'),
      );
    }

    const byName = new Map(repoFiles.map((f) => [f.path, f]));
    let downloadedBytes = 0;
    try {
      const got = await ensureSnapshotFiles({
        client,
        repo,
        cache,
        sha,
        files: files.map((file) => byName.get(file) ?? { path: file, size: 0 }),
        onBytes: (file, loadedBytes, totalBytes) => o.onProgress?.({ kind: 'download', model: o.model, file, loadedBytes, totalBytes }),
      });
      for (const f of got) {
        if (f.cached) o.onProgress?.({ kind: 'cached', model: o.model, file: f.repoPath });
        downloadedBytes += f.downloadedBytes;
      }
    } catch (e) {
      if (e instanceof HubUnreachableError) throw new ModelUnavailableError(e.message, 'unreachable');
      throw e;
    }
    return { dir: cache.snapshotDir(sha), modelId: o.model, sha, files, source: downloadedBytes > 0 ? 'hub' : 'cache', downloadedBytes };
  } catch (e) {
    throw scrubSecret(e, token);
  }
}

/** A `?blobs=true` sibling as a file entry: lfs.sha256 names LFS blobs, blobId (git sha1) the others. */
function siblingFile(s: Sibling): RepoFile {
  const size = s.lfs?.size ?? s.size;
  return {
    path: s.rfilename,
    size: size ?? 0,
    ...(s.blobId ? { oid: s.blobId } : {}),
    ...(s.lfs?.sha256 ? { lfs: { oid: s.lfs.sha256, size: size ?? 0 } } : {}),
  };
}

async function fromCache(o: ResolveModelOptions, cache: RepoCache, revision: string, why: string, reason: 'offline' | 'unreachable'): Promise<ResolvedModel> {
  const sha = isCommitSha(revision) ? revision : await readRef(cache, revision);
  if (!sha) throw new ModelUnavailableError(`${why}, and model '${o.model}' is not in the Hub cache (${cache.root} has no refs/${revision}).`, reason);
  const dir = cache.snapshotDir(sha);
  const present: string[] = [];
  for (const file of await listSnapshot(dir)) if (await exists(join(dir, file))) present.push(file);
  const { files, missing } = filesFor(o.dtype, present);
  if (missing.length > 0) {
    const dtypes = dtypesIn(present);
    throw new ModelUnavailableError(
      `${why}, and the cached copy of '${o.model}' lacks ${missing[0]} (${join(dir, missing[0])}), needed for --dtype ${o.dtype}.` +
        (dtypes.length ? ` Cached dtypes: ${dtypes.join(', ')}.` : ''),
      reason,
    );
  }
  for (const file of files) o.onProgress?.({ kind: 'cached', model: o.model, file });
  return { dir, modelId: o.model, sha, files, source: 'cache', downloadedBytes: 0 };
}
