// One Hub client for models and datasets (../shared/spec/datasets.md §3). Every call goes through
// `request`, which
//   - adds `Authorization: Bearer <token>` to requests for the Hub's own origin (never to the CDN a
//     download redirects to), whatever the token's format: @huggingface/hub refuses tokens without
//     the `hf_` prefix (§4.2), so it gets this function as its `fetch` and no accessToken;
//   - retries 429 after Retry-After, a bounded number of times;
//   - turns failures into HubUnreachableError (network, timeout, 5xx) or a UserError naming the
//     repo, revision and file (errors.ts), reading X-Error-Code before anyone else consumes the body.
// Decisions on @huggingface/hub 2.17.5 (§4): `listFiles` (tree API with Link pagination) and
// `pathsInfo` are used as they are, always with a resolved commit sha (listFiles does not encode
// the revision, §4.3) and with the folder path pre-encoded (it does not encode paths either).
// The revision call is a plain GET (datasetInfo/modelInfo drop `siblings` and need expand keys), and
// downloads are ours (download.ts): downloadFileToCacheDir prints with console.debug, checks neither
// size nor sha256, cannot resume or report progress, and names snapshots after the file's last
// commit (§4.4).

import { listFiles as hubListFiles, pathsInfo as hubPathsInfo } from '@huggingface/hub';
import { UserError } from '../errors.ts';
import { hubHttpError, HubUnreachableError, networkReason, readHubError, type HubRequestContext } from './errors.ts';
import { apiUrl, encodePath, type RepoRef } from './repo.ts';

export type Fetch = typeof globalThis.fetch;

export interface HubClientOptions {
  /** HF_ENDPOINT without a trailing slash. */
  endpoint: string;
  token?: string;
  fetch?: Fetch;
  /** Waits between 429 retries; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** 429 retries before giving up (default 3). */
  maxRetries?: number;
  /** Longest wait honoured from one Retry-After, in ms (default 60 s). */
  maxRetryWaitMs?: number;
  /** Time limit for metadata requests (default 20 s); downloads have a stall limit instead. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A file entry from the tree or paths-info API. `lfs.oid` is the sha256 of an LFS/xet file. */
export interface RepoFile {
  path: string;
  size: number;
  /** Git blob sha1. */
  oid?: string;
  lfs?: { oid: string; size: number };
  xetHash?: string;
}

export interface Sibling {
  rfilename: string;
  blobId?: string;
  size?: number;
  lfs?: { sha256?: string; size?: number };
}

export interface RevisionInfo {
  sha: string;
  /** The repo's files at that commit (names; with blob ids and sizes when asked for), or null when absent. */
  siblings: Sibling[] | null;
}

export interface RequestOptions extends RequestInit {
  /** No time limit (downloads: the caller watches for stalls). */
  noTimeout?: boolean;
}

export interface HubClient {
  endpoint: string;
  hasToken: boolean;
  request(url: string, init: RequestOptions, ctx: Omit<HubRequestContext, 'endpoint' | 'hasToken'>): Promise<Response>;
  revisionInfo(repo: RepoRef, revision: string, opts?: { blobs?: boolean; notFoundHint?: string }): Promise<RevisionInfo>;
  /** Files under `path` (recursively when asked), following pagination. */
  listFiles(repo: RepoRef, sha: string, opts: { path: string; recursive: boolean }): Promise<RepoFile[]>;
  pathsInfo(repo: RepoRef, sha: string, paths: string[]): Promise<RepoFile[]>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After in ms: delta-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function createHubClient(o: HubClientOptions): HubClient {
  const fetchFn = o.fetch ?? globalThis.fetch;
  const sleep = o.sleep ?? wait;
  const maxRetries = o.maxRetries ?? 3;
  const hubOrigin = new URL(o.endpoint).origin;
  const base = { endpoint: o.endpoint, hasToken: o.token !== undefined };

  async function request(url: string, init: RequestOptions, ctx: Omit<HubRequestContext, 'endpoint' | 'hasToken'>): Promise<Response> {
    const full: HubRequestContext = { ...base, ...ctx };
    const headers = new Headers(init.headers);
    headers.delete('authorization');
    if (o.token && new URL(url).origin === hubOrigin) headers.set('authorization', `Bearer ${o.token}`);
    const { noTimeout, ...rest } = init;
    for (let attempt = 0; ; attempt++) {
      const signals = [o.signal, init.signal, noTimeout ? undefined : AbortSignal.timeout(o.timeoutMs ?? 20_000)].filter((s): s is AbortSignal => !!s);
      let res: Response;
      try {
        res = await fetchFn(url, { ...rest, headers, ...(signals.length ? { signal: AbortSignal.any(signals) } : {}) });
      } catch (e) {
        o.signal?.throwIfAborted();
        init.signal?.throwIfAborted();
        throw new HubUnreachableError(networkReason(e));
      }
      if (res.status === 429) {
        const delay = Math.min(retryAfterMs(res.headers.get('retry-after')) ?? 1000 * 2 ** attempt, o.maxRetryWaitMs ?? 60_000);
        await res.body?.cancel().catch(() => undefined);
        if (attempt >= maxRetries) throw new HubUnreachableError(`rate limited (HTTP 429) ${attempt + 1} times in a row; try again later${base.hasToken ? '' : ' or set HF_TOKEN (logged-in users get higher limits)'}`);
        await sleep(delay);
        continue;
      }
      if (res.status >= 400) throw hubHttpError(await readHubError(res), full);
      return res;
    }
  }

  /** A fetch for @huggingface/hub: ours, with the context its failures should be reported in. */
  const libFetch =
    (ctx: Omit<HubRequestContext, 'endpoint' | 'hasToken'>): Fetch =>
    (input, init) =>
      request(input instanceof Request ? input.url : String(input), init ?? {}, ctx);

  return {
    ...base,
    request,

    async revisionInfo(repo, revision, opts = {}) {
      const url = apiUrl(o.endpoint, repo, `revision/${encodeURIComponent(revision)}${opts.blobs ? '?blobs=true' : ''}`);
      const ctx = { repo, revision, ...(opts.notFoundHint ? { notFoundHint: opts.notFoundHint } : {}) };
      const res = await request(url, { headers: { accept: 'application/json' } }, ctx);
      let parsed: { sha?: unknown; siblings?: unknown };
      try {
        parsed = JSON.parse(await res.text()) as typeof parsed;
      } catch (e) {
        o.signal?.throwIfAborted();
        throw new HubUnreachableError(e instanceof SyntaxError ? `${url} did not answer with JSON` : networkReason(e));
      }
      if (typeof parsed.sha !== 'string' || !/^[0-9a-f]{40}$/.test(parsed.sha)) throw new HubUnreachableError(`${url} gave no commit sha`);
      const siblings = Array.isArray(parsed.siblings) ? (parsed.siblings as Sibling[]).filter((s) => typeof s?.rfilename === 'string') : null;
      return { sha: parsed.sha, siblings };
    },

    listFiles: (repo, sha, { path, recursive }) =>
      guard(async () => {
        const out: RepoFile[] = [];
        const entries = hubListFiles({
          repo: { type: repo.type, name: repo.id },
          revision: sha,
          ...(path ? { path: encodePath(path) } : {}),
          recursive,
          hubUrl: o.endpoint,
          fetch: libFetch({ repo, revision: sha, ...(path ? { entry: { kind: 'folder' as const, path } } : {}) }),
        });
        for await (const e of entries) if (e.type === 'file') out.push(toRepoFile(e));
        return out;
      }),

    pathsInfo: (repo, sha, paths) =>
      guard(async () => {
        const entries = await hubPathsInfo({
          repo: { type: repo.type, name: repo.id },
          revision: sha,
          paths,
          hubUrl: o.endpoint,
          fetch: libFetch({ repo, revision: sha }),
        });
        return entries.filter((e) => e.type === 'file').map(toRepoFile);
      }),
  };

  /** Errors from inside @huggingface/hub (a body cut short, malformed JSON) mean the Hub did not answer usefully. */
  async function guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      o.signal?.throwIfAborted();
      if (e instanceof HubUnreachableError || e instanceof UserError) throw e;
      throw new HubUnreachableError(networkReason(e));
    }
  }
}

function toRepoFile(e: { path: string; size: number; oid?: string; lfs?: { oid: string; size: number }; xetHash?: string }): RepoFile {
  return {
    path: e.path,
    size: e.size,
    ...(e.oid ? { oid: e.oid } : {}),
    ...(e.lfs ? { lfs: { oid: e.lfs.oid, size: e.lfs.size } } : {}),
    ...(e.xetHash ? { xetHash: e.xetHash } : {}),
  };
}
