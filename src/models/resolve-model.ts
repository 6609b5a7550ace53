// Fetches a Hub model's files for one dtype into the Hugging Face cache (hub-cache.ts) and returns
// the snapshot folder, which transformers.js then loads as a local folder. Only what the dtype
// needs is fetched (model-files.ts): a 256M model has ~20 ONNX variants and we want three of them.
// The recipe is huggingface_hub's (../shared/spec/datasets.md §5):
//   1. GET {HF_ENDPOINT}/api/models/{id}/revision/main?blobs=true → commit sha and each file's blob
//      id (lfs.sha256 for LFS/xet files, else the git blob id), which names the blob;
//   2. GET {HF_ENDPOINT}/{id}/resolve/{sha}/{path} into blobs/<etag>.incomplete, check size (and
//      sha256 for LFS files), rename, link snapshots/<sha>/<path>; write refs/main.
// HF_HUB_OFFLINE=1 skips the network and reads refs/main and the snapshot. When the Hub cannot be
// reached (DNS, refused, timeout, 5xx) a complete cached snapshot is used, as Python does; with none,
// ModelUnavailableError says so, and the default-model logic falls back to the tiny model.
// HF_TOKEN goes only into the Authorization header, never into a message.

import { createHash } from 'node:crypto';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import { exists, hfToken, hubCacheDir, isOffline, linkSnapshotFile, listSnapshot, readRef, repoCache, writeRef, type Env, type RepoCache } from './hub-cache.ts';
import { dtypesIn, filesFor, type OnnxDtype } from './model-files.ts';

/** The model's files cannot be had without a network that is not there; the caller may fall back. */
export class ModelUnavailableError extends UserError {
  override name = 'ModelUnavailableError';
  readonly reason: 'offline' | 'unreachable';
  constructor(message: string, reason: 'offline' | 'unreachable') {
    super(message, 1);
    this.reason = reason;
  }
}

export type ModelProgress =
  | { kind: 'download'; model: string; file: string; loadedBytes: number; totalBytes: number | null }
  | { kind: 'cached'; model: string; file: string };

export interface ResolveModelOptions {
  /** Hub repo id, e.g. `HuggingFaceTB/SmolVLM-256M-Instruct`. */
  model: string;
  dtype: OnnxDtype;
  revision?: string;
  /** Hub cache root; by default from HF_HUB_CACHE / HF_HOME (hub-cache.ts). */
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

interface Sibling {
  rfilename: string;
  blobId?: string;
  size?: number;
  lfs?: { sha256?: string; size?: number };
}

/** The Hub could not be reached or did not answer properly: fall back to the cache. */
class HubUnreachable extends Error {}

const REPO_ID = /^(?:[\w.-]+\/)?[\w.-]+$/;

export async function resolveModel(o: ResolveModelOptions): Promise<ResolvedModel> {
  const env = o.env ?? process.env;
  const revision = o.revision ?? 'main';
  if (!REPO_ID.test(o.model) || o.model.includes('..') || o.model.includes('--')) {
    throw new UserError(`'${o.model}' is neither a local model folder nor a Hub model id (org/name).`);
  }
  const cache = repoCache(o.cacheDir ?? hubCacheDir(env), o.model);
  if (isOffline(env)) return fromCache(o, cache, revision, 'HF_HUB_OFFLINE is set', 'offline');

  const endpoint = (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
  const token = await hfToken(env);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const fetchFn = o.fetch ?? globalThis.fetch;

  let info: { sha: string; siblings: Sibling[] };
  try {
    info = await fetchRevision(fetchFn, endpoint, o.model, revision, headers, token !== undefined, o.metadataTimeoutMs ?? 20_000);
  } catch (e) {
    if (e instanceof HubUnreachable) return fromCache(o, cache, revision, `The Hub at ${endpoint} is unreachable (${e.message})`, 'unreachable');
    throw e;
  }

  const repoFiles = info.siblings.map((s) => s.rfilename);
  const { files, missing } = filesFor(o.dtype, repoFiles);
  if (missing.length > 0) {
    const dtypes = dtypesIn(repoFiles);
    throw new UserError(
      `Model '${o.model}' has no ${missing.join(', ')}, needed for --dtype ${o.dtype}. ` +
        (dtypes.length ? `Its ONNX files cover: ${dtypes.join(', ')}.` : 'It has no transformers.js ONNX files (onnx/vision_encoder*.onnx, onnx/embed_tokens*.onnx, onnx/decoder_model_merged*.onnx).'),
    );
  }

  const byName = new Map(info.siblings.map((s) => [s.rfilename, s]));
  let downloadedBytes = 0;
  for (const file of files) {
    if (await exists(join(cache.snapshotDir(info.sha), file))) {
      o.onProgress?.({ kind: 'cached', model: o.model, file });
      continue;
    }
    const sibling = byName.get(file) ?? { rfilename: file };
    const url = `${endpoint}/${o.model}/resolve/${info.sha}/${file.split('/').map(encodeURIComponent).join('/')}`;
    try {
      downloadedBytes += await fetchFile(fetchFn, url, cache, info.sha, sibling, headers, (loadedBytes, totalBytes) =>
        o.onProgress?.({ kind: 'download', model: o.model, file, loadedBytes, totalBytes }),
      );
    } catch (e) {
      if (e instanceof HubUnreachable) throw new ModelUnavailableError(`Downloading ${file} of '${o.model}' from ${endpoint} failed: ${e.message}. Run again to resume.`, 'unreachable');
      throw e;
    }
  }
  await writeRef(cache, revision, info.sha);
  return { dir: cache.snapshotDir(info.sha), modelId: o.model, sha: info.sha, files, source: downloadedBytes > 0 ? 'hub' : 'cache', downloadedBytes };
}

async function fetchRevision(
  fetchFn: typeof globalThis.fetch,
  endpoint: string,
  model: string,
  revision: string,
  headers: Record<string, string>,
  hasToken: boolean,
  timeoutMs: number,
): Promise<{ sha: string; siblings: Sibling[] }> {
  const url = `${endpoint}/api/models/${model}/revision/${encodeURIComponent(revision)}?blobs=true`;
  let res: Response;
  let body: string;
  try {
    res = await fetchFn(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
    body = await res.text();
  } catch (e) {
    throw new HubUnreachable(networkReason(e, timeoutMs));
  }
  if (res.status >= 500 || res.status === 429) throw new HubUnreachable(`HTTP ${res.status}`);
  if (res.status === 401 || res.status === 403 || res.status === 404) {
    const access = hasToken ? 'HF_TOKEN does not give access to it' : 'set HF_TOKEN if it is gated or private';
    throw new UserError(`The Hub at ${endpoint} has no model '${model}' (revision ${revision}) that we may read (HTTP ${res.status}): check the id, or ${access}.`);
  }
  if (!res.ok) throw new UserError(`The Hub at ${endpoint} answered HTTP ${res.status} for model '${model}'.`);
  let parsed: { sha?: unknown; siblings?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new HubUnreachable('its answer was not JSON');
  }
  if (typeof parsed.sha !== 'string' || !/^[0-9a-f]{40}$/.test(parsed.sha) || !Array.isArray(parsed.siblings)) {
    throw new HubUnreachable('its answer had no commit sha or file list');
  }
  const siblings = (parsed.siblings as Sibling[]).filter((s) => typeof s?.rfilename === 'string');
  return { sha: parsed.sha, siblings };
}

/** Downloads one file into blobs/ and links it; returns the bytes downloaded (0 when the blob was there). */
async function fetchFile(
  fetchFn: typeof globalThis.fetch,
  url: string,
  cache: RepoCache,
  sha: string,
  sibling: Sibling,
  headers: Record<string, string>,
  progress: (loaded: number, total: number | null) => void,
): Promise<number> {
  const lfsSha = sibling.lfs?.sha256?.toLowerCase();
  const known = [lfsSha, sibling.blobId?.toLowerCase()].find((x) => x !== undefined && /^[0-9a-f]{40,64}$/.test(x));
  const expectedSize = sibling.lfs?.size ?? sibling.size;
  if (known && (await blobComplete(cache.blobPath(known), expectedSize))) {
    await linkSnapshotFile(cache, sha, sibling.rfilename, known);
    return 0;
  }
  let res: Response;
  try {
    res = await fetchFn(url, { headers, redirect: 'follow' });
  } catch (e) {
    throw new HubUnreachable(networkReason(e));
  }
  if (res.status >= 500 || res.status === 429) throw new HubUnreachable(`HTTP ${res.status}`);
  if (!res.ok || !res.body) throw new UserError(`Downloading ${sibling.rfilename} failed: HTTP ${res.status} from ${url.replace(/\?.*$/, '')}.`, 1);

  const tmp = cache.blobPath(`${known ?? `download-${process.pid}-${Date.now()}`}.incomplete`);
  await mkdir(dirname(tmp), { recursive: true });
  const header = Number(res.headers.get('content-length'));
  const total = expectedSize ?? (Number.isFinite(header) && header > 0 ? header : null);
  const hash = createHash('sha256');
  const handle = await open(tmp, 'w');
  let loaded = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      await handle.write(chunk);
      loaded += chunk.length;
      progress(loaded, total);
    }
  } catch (e) {
    await handle.close();
    throw new HubUnreachable(networkReason(e));
  }
  await handle.close();
  const digest = hash.digest('hex');
  const problem =
    expectedSize !== undefined && loaded !== expectedSize
      ? `got ${loaded} bytes, expected ${expectedSize}`
      : lfsSha !== undefined && digest !== lfsSha
        ? `sha256 ${digest} differs from the Hub's ${lfsSha}`
        : null;
  if (problem) {
    await unlink(tmp).catch(() => undefined);
    throw new UserError(`Downloading ${sibling.rfilename} failed: ${problem}. Run again to retry.`, 1);
  }
  const etag = known ?? digest;
  await rename(tmp, cache.blobPath(etag));
  await linkSnapshotFile(cache, sha, sibling.rfilename, etag);
  return loaded;
}

async function blobComplete(path: string, size: number | undefined): Promise<boolean> {
  try {
    const s = await stat(path);
    return size === undefined || s.size === size;
  } catch {
    return false;
  }
}

async function fromCache(o: ResolveModelOptions, cache: RepoCache, revision: string, why: string, reason: 'offline' | 'unreachable'): Promise<ResolvedModel> {
  const sha = /^[0-9a-f]{40}$/.test(revision) ? revision : await readRef(cache, revision);
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

/** A short reason for a failed fetch: the system error code (ENOTFOUND, ECONNREFUSED …) when there is one. */
function networkReason(e: unknown, timeoutMs?: number): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return timeoutMs ? `no answer within ${timeoutMs / 1000} s` : 'timed out';
  const cause = e instanceof Error ? (e.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  return e instanceof Error ? (cause?.message ?? e.message) : String(e);
}
