// Downloads one repo file into the cache the way huggingface_hub does (../shared/spec/datasets.md
// §3 "download", §5): GET {E}/…/resolve/{sha}/{path} with redirect: 'manual', so the Hub's 302 to
// its CDN still shows X-Repo-Commit / X-Linked-Etag / X-Linked-Size (following it silently loses
// them: hf-hub PR #212); the Authorization header goes only to the Hub's origin (client.ts).
// The bytes go to blobs/<etag>.incomplete, are checked against the size and the sha256 (lfs.oid)
// or git blob sha1 the Hub lists, then renamed to blobs/<etag> and linked from snapshots/<sha>/.
// A mismatch deletes the partial file: the cache never holds a bad blob. A connection that drops
// mid-body keeps the .incomplete file and the next run resumes it with `Range: bytes=<n>-`.

import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import { exists, fileSize, linkSnapshotFile, type RepoCache } from './cache.ts';
import type { HubClient, RepoFile } from './client.ts';
import { HubUnreachableError, networkReason } from './errors.ts';
import { describeRepo, resolveUrl, type RepoRef } from './repo.ts';

export interface DownloadFileParams {
  client: HubClient;
  repo: RepoRef;
  cache: RepoCache;
  /** The commit the file is fetched at (always a sha: snapshots are named after it). */
  sha: string;
  file: RepoFile;
  /** Bytes of the file present so far (resumed bytes included) and its size when known. */
  onBytes?: (bytes: number, total: number | null) => void;
  signal?: AbortSignal;
  /** Give up when no byte arrives for this long (default 60 s). */
  stallTimeoutMs?: number;
}

export interface DownloadedFile {
  /** snapshots/<sha>/<path>. */
  path: string;
  etag: string;
  size: number;
  sha256: string;
  /** Bytes fetched by this call (0 when the blob was already there). */
  downloadedBytes: number;
}

/** The connection dropped mid-body; the partial file is kept for the next run. */
export class DownloadInterruptedError extends HubUnreachableError {
  override name = 'DownloadInterruptedError';
}

const HEX = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;
const PROGRESS_STEP = 1 << 20;

export async function downloadToCache(p: DownloadFileParams): Promise<DownloadedFile> {
  const name = `${p.file.path} of ${describeRepo(p.repo)} (revision ${p.sha})`;
  let expectedSize: number | undefined = p.file.lfs?.size ?? p.file.size;
  let sha256 = p.file.lfs?.oid.toLowerCase();
  const gitOid = p.file.lfs ? undefined : p.file.oid?.toLowerCase();
  let etag = [sha256, gitOid].find((x) => x !== undefined && HEX.test(x));
  const resumable = etag !== undefined;

  if (etag && (await fileSize(p.cache.blobPath(etag))) === expectedSize) {
    const path = await linkSnapshotFile(p.cache, p.sha, p.file.path, etag);
    return { path, etag, size: expectedSize, sha256: sha256 ?? (await hashFile(path)), downloadedBytes: 0 };
  }

  const partial = p.cache.blobPath(`${etag ?? `tmp-${randomBytes(6).toString('hex')}`}.incomplete`);
  await mkdir(dirname(partial), { recursive: true });
  let start = etag ? ((await fileSize(partial)) ?? 0) : 0;
  if (expectedSize !== undefined && start > expectedSize) start = 0;

  const stall = stallWatch(p.stallTimeoutMs ?? 60_000, name);
  let loaded = 0;
  try {
    if (expectedSize === undefined || start < expectedSize) {
      const res = await open302(p, start, stall.signal);
      const linkedEtag = res.linkedEtag;
      if (!sha256 && linkedEtag && /^[0-9a-f]{64}$/.test(linkedEtag)) sha256 = linkedEtag;
      if (!etag && linkedEtag && HEX.test(linkedEtag)) etag = linkedEtag;
      expectedSize ??= res.linkedSize;
      if (res.response.status !== 206 || contentRangeStart(res.response) !== start) start = 0;
      if (expectedSize === undefined) {
        const length = Number(res.response.headers.get('content-length'));
        if (Number.isSafeInteger(length) && length > 0) expectedSize = start + length;
      }
      loaded = await writeBody(res.response, partial, { start, total: expectedSize ?? null, stall, name, ...(p.onBytes ? { onBytes: p.onBytes } : {}), ...(p.signal ? { signal: p.signal } : {}) });
    }
    stall.stop();
    const got = start + loaded;
    if (expectedSize !== undefined && got < expectedSize) {
      throw new DownloadInterruptedError(`Downloading ${name} stopped after ${got} of ${expectedSize} bytes; ${partial} is kept and the next run resumes from there.`);
    }
    const digests = await hashFile256And1(partial, gitOid ? got : undefined);
    const problem =
      expectedSize !== undefined && got !== expectedSize
        ? `${got} bytes arrived, the Hub lists ${expectedSize}`
        : sha256 !== undefined && digests.sha256 !== sha256
          ? `their sha256 ${digests.sha256} differs from the Hub's ${sha256}`
          : gitOid !== undefined && digests.gitSha1 !== gitOid
            ? `their git blob sha1 ${digests.gitSha1} differs from the Hub's ${gitOid}`
            : null;
    if (problem) {
      await unlink(partial).catch(() => undefined);
      throw new UserError(`Downloading ${name} gave corrupt bytes: ${problem}. The download was deleted; run again, and if it happens again the server at ${p.client.endpoint} serves a bad file.`, 1);
    }
    const finalEtag = etag ?? digests.sha256;
    await rename(partial, p.cache.blobPath(finalEtag));
    const path = await linkSnapshotFile(p.cache, p.sha, p.file.path, finalEtag);
    return { path, etag: finalEtag, size: got, sha256: digests.sha256, downloadedBytes: loaded };
  } catch (e) {
    if (!resumable) await unlink(partial).catch(() => undefined); // no stable name: cannot be resumed
    throw e;
  } finally {
    stall.stop();
  }
}

interface Opened {
  response: Response;
  linkedEtag?: string;
  linkedSize?: number;
}

/** GETs the resolve URL, following redirects by hand and keeping the Hub's X-Linked-* headers. */
async function open302(p: DownloadFileParams, start: number, stallSignal: AbortSignal): Promise<Opened> {
  let url = resolveUrl(p.client.endpoint, p.repo, p.sha, p.file.path);
  const out: Partial<Opened> = {};
  const signal = p.signal ? AbortSignal.any([p.signal, stallSignal]) : stallSignal;
  for (let hop = 0; hop < 6; hop++) {
    const headers: Record<string, string> = { 'accept-encoding': 'identity', ...(start > 0 ? { range: `bytes=${start}-` } : {}) };
    const res = await p.client.request(url, { headers, redirect: 'manual', signal, noTimeout: true }, { repo: p.repo, revision: p.sha, entry: { kind: 'file', path: p.file.path } });
    const linkedEtag = res.headers.get('x-linked-etag') ?? (hop === 0 ? res.headers.get('etag') : null);
    if (linkedEtag && !out.linkedEtag) out.linkedEtag = linkedEtag.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
    const linkedSize = Number(res.headers.get('x-linked-size') ?? NaN);
    if (Number.isSafeInteger(linkedSize) && out.linkedSize === undefined) out.linkedSize = linkedSize;
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel().catch(() => undefined);
      url = new URL(location, url).href;
      continue;
    }
    if (!res.body) throw new HubUnreachableError(`${url.replace(/\?.*$/, '')} answered HTTP ${res.status} with no body`);
    return { ...out, response: res };
  }
  throw new HubUnreachableError(`too many redirects downloading ${p.file.path}`);
}

function contentRangeStart(res: Response): number | undefined {
  const m = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Streams the body to `partial` (appending from `start`); returns the bytes written. */
async function writeBody(
  res: Response,
  partial: string,
  o: { start: number; total: number | null; stall: ReturnType<typeof stallWatch>; name: string; onBytes?: DownloadFileParams['onBytes']; signal?: AbortSignal },
): Promise<number> {
  const { start, total, stall, onBytes } = o;
  const handle = await open(partial, start > 0 ? 'a' : 'w');
  let loaded = 0;
  let reported = 0;
  onBytes?.(start, total);
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      stall.touch();
      await handle.write(chunk);
      loaded += chunk.length;
      if (loaded - reported >= PROGRESS_STEP) {
        reported = loaded;
        onBytes?.(start + loaded, total);
      }
    }
  } catch (e) {
    o.signal?.throwIfAborted(); // the caller stopped: the partial file stays for the next run
    const why = stall.signal.aborted ? `no data for ${stall.ms / 1000} s` : networkReason(e);
    throw new DownloadInterruptedError(`Downloading ${o.name} was cut off after ${start + loaded}${total ? ` of ${total}` : ''} bytes (${why}); ${partial} is kept and the next run resumes from there.`);
  } finally {
    await handle.close();
  }
  if (loaded !== reported || loaded === 0) onBytes?.(start + loaded, total);
  return loaded;
}

/** An abort signal that fires when touch() has not been called for `ms`. */
function stallWatch(ms: number, name: string) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new HubUnreachableError(`no data for ${ms / 1000} s while downloading ${name}`)), ms);
    timer.unref();
  };
  arm();
  return { ms, signal: controller.signal, touch: arm, stop: () => clearTimeout(timer) };
}

async function hashFile256And1(path: string, gitSize: number | undefined): Promise<{ sha256: string; gitSha1?: string }> {
  const sha256 = createHash('sha256');
  const sha1: Hash | undefined = gitSize !== undefined ? createHash('sha1').update(`blob ${gitSize}\0`) : undefined;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    sha256.update(chunk);
    sha1?.update(chunk);
  }
  return { sha256: sha256.digest('hex'), ...(sha1 ? { gitSha1: sha1.digest('hex') } : {}) };
}

/** The sha256 of a file, streamed. */
export async function hashFile(path: string): Promise<string> {
  return (await hashFile256And1(path, undefined)).sha256;
}

export interface SnapshotFile {
  /** Path inside the repo. */
  repoPath: string;
  /** snapshots/<sha>/<path>. */
  path: string;
  /** Already in the snapshot: nothing was fetched (size and sha256 are then the caller's to read). */
  cached: boolean;
  size?: number;
  sha256?: string;
  downloadedBytes: number;
}

/**
 * Makes every file of a commit's snapshot present, in order: a file already linked under
 * snapshots/<sha>/ is kept without a request, the others are downloaded. Models and datasets both
 * come through here. A dropped or unreachable Hub is a HubUnreachableError naming the file.
 */
export async function ensureSnapshotFiles(
  p: Omit<DownloadFileParams, 'file' | 'onBytes'> & {
    files: readonly RepoFile[];
    onBytes?: (file: string, bytes: number, total: number | null) => void;
  },
): Promise<SnapshotFile[]> {
  const out: SnapshotFile[] = [];
  for (const file of p.files) {
    const link = join(p.cache.snapshotDir(p.sha), file.path);
    if (await exists(link)) {
      out.push({ repoPath: file.path, path: link, cached: true, downloadedBytes: 0 });
      continue;
    }
    try {
      const { onBytes, files: _files, ...rest } = p;
      const got = await downloadToCache({ ...rest, file, ...(onBytes ? { onBytes: (b, t) => onBytes(file.path, b, t) } : {}) });
      out.push({ repoPath: file.path, path: got.path, cached: false, size: got.size, sha256: got.sha256, downloadedBytes: got.downloadedBytes });
    } catch (e) {
      if (!(e instanceof HubUnreachableError)) throw e;
      throw new HubUnreachableError(`Downloading ${file.path} of ${describeRepo(p.repo)} from ${p.client.endpoint} failed (${e.message}). Run again to resume.`);
    }
  }
  return out;
}
