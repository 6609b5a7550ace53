// A Hugging Face Hub stand-in on 127.0.0.1 serving model and dataset repos from memory
// (design.md, example 14: tests use loopback servers, no network). It answers what src/hub/ and
// @huggingface/hub ask, the way huggingface.co does (../shared/spec/datasets.md §3):
//   GET  /api/{models|datasets}/{id}[/revision/{rev}][?blobs=true]  {id, sha, gated, private, siblings}
//   GET  /api/{type}s/{id}/tree/{rev}[/{path}]?recursive=&cursor=   entries, `pageSize` per page, Link rel="next"
//   POST /api/{type}s/{id}/paths-info/{rev}                          entries for {"paths": […]}
//   GET|HEAD /[datasets/]{id}/resolve/{rev}/{path}                   plain files: 200 (Range works);
//        LFS files: 302 to a CDN on another origin, carrying X-Repo-Commit, X-Linked-Etag, X-Linked-Size, ETag
// Gated repos answer 401/403 GatedRepo on files (their info stays readable, as on the Hub), unknown
// repos 401 RepoNotFound (404 with a token), bad revisions RevisionNotFound, missing files
// EntryNotFound. `faults` script one-off answers (429 + Retry-After, a body cut short, flipped
// bytes); `requests` records every request, so tests can assert what was (not) fetched.

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, relative } from 'node:path';
import { treeEntries, type TreeEntry } from './hub-tree.ts';

export interface EmulatedRepo {
  type: 'model' | 'dataset';
  id: string;
  /** Path in the repo → contents. */
  files: Map<string, Uint8Array>;
  /** The commit `main` points at; FAKE_SHA by default. */
  sha?: string;
  /** Files need a token from `approved` (401 GatedRepo without one, 403 with another). */
  gated?: boolean;
  /** Like gated, but the repo looks missing (RepoNotFound) to everyone else. */
  private?: boolean;
  approved?: string[];
}

export interface HubRequest {
  method: string;
  /** Decoded path plus the raw query string. */
  path: string;
  authorization: string | undefined;
  range: string | undefined;
  /** Which listener answered: the Hub or its CDN. */
  host: 'hub' | 'cdn';
}

export interface Fault {
  match: (r: HubRequest) => boolean;
  /** How many matching requests it applies to (default 1). */
  times?: number;
  /** Answer with this instead of the real answer. */
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Send the real answer's headers and only this many bytes of its body, then drop the connection. */
  truncateAfter?: number;
  /** Send the real answer with its bytes flipped. */
  corrupt?: boolean;
}

export interface HubEmulatorOptions {
  repos: EmulatedRepo[];
  /** Tree entries per page (default 2, to exercise pagination). */
  pageSize?: number;
  /** When set, every Hub request must carry `Authorization: Bearer <token>`. */
  token?: string;
  isLfs?: (path: string) => boolean;
}

export interface HubEmulator {
  url: string;
  cdnUrl: string;
  requests: HubRequest[];
  faults: Fault[];
  /** Answer every request with this HTTP status instead (e.g. 503), or null for normal service. */
  failWith: number | null;
  close(): Promise<void>;
}

export const FAKE_SHA = '0123456789abcdef0123456789abcdef01234567';

export const defaultIsLfs = (path: string) => /\.(onnx(_data(_\d+)?)?|parquet|safetensors|bin|zip)$/.test(path);

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export const gitBlobSha1 = (bytes: Uint8Array) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

/** Every file under `dir`, keyed by its `/`-separated path relative to `dir`. */
export async function readFolder(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.set(relative(dir, full).split('\\').join('/'), new Uint8Array(await readFile(full)));
  }
  return files;
}

interface Answer {
  status: number;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  body: JSON.stringify(value),
  headers: { 'content-type': 'application/json', ...headers },
});
const hubError = (status: number, code: string, message: string): Answer => json(status, { error: message }, { 'x-error-code': code, 'x-error-message': message });

/** 200 with the bytes, or 206 for a satisfiable `Range: bytes=a-[b]`. */
function ranged(bytes: Uint8Array, range: string | undefined, headers: Record<string, string>): Answer {
  const m = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
  if (!m) return { status: 200, body: bytes, headers: { 'accept-ranges': 'bytes', ...headers } };
  const start = Number(m[1]);
  const end = m[2] ? Math.min(Number(m[2]), bytes.length - 1) : bytes.length - 1;
  if (start >= bytes.length || start > end) return { status: 416, body: '', headers: { 'content-range': `bytes */${bytes.length}` } };
  return { status: 206, body: bytes.subarray(start, end + 1), headers: { ...headers, 'content-range': `bytes ${start}-${end}/${bytes.length}` } };
}

export async function startHubEmulator(o: HubEmulatorOptions): Promise<HubEmulator> {
  const isLfs = o.isLfs ?? defaultIsLfs;
  const pageSize = o.pageSize ?? 2;
  const blobs = new Map<string, Uint8Array>();
  for (const repo of o.repos) for (const bytes of repo.files.values()) blobs.set(sha256Hex(bytes), bytes);
  const requests: HubRequest[] = [];
  const state = { failWith: null as number | null, faults: [] as Fault[], hubUrl: '', cdnUrl: '' };

  const shaOf = (repo: EmulatedRepo) => repo.sha ?? FAKE_SHA;
  const resolveRev = (repo: EmulatedRepo, rev: string) => (rev === 'main' || rev === shaOf(repo) ? shaOf(repo) : null);
  const entry = (repo: EmulatedRepo, path: string): TreeEntry => {
    const bytes = repo.files.get(path)!;
    return {
      type: 'file',
      path,
      size: bytes.length,
      oid: gitBlobSha1(bytes),
      ...(isLfs(path) ? { lfs: { oid: sha256Hex(bytes), size: bytes.length, pointerSize: 134 } } : {}),
    };
  };

  /** null when the caller may read the repo's files, else the Hub's refusal. */
  function denied(repo: EmulatedRepo, auth: string | undefined, files: boolean): Answer | null {
    const token = auth?.replace(/^Bearer /, '');
    const ok = token !== undefined && (repo.approved ?? []).includes(token);
    if (repo.private && !ok) return token ? hubError(404, 'RepoNotFound', 'Repository not found') : hubError(401, 'RepoNotFound', 'Repository not found');
    if (repo.gated && files && !ok) {
      return token
        ? hubError(403, 'GatedRepo', `Access to ${repo.type} ${repo.id} is restricted and you are not in the authorized list. Visit ${state.hubUrl}/${repo.type === 'dataset' ? 'datasets/' : ''}${repo.id} to ask for access.`)
        : hubError(401, 'GatedRepo', `Access to ${repo.type} ${repo.id} is restricted. You must be authenticated to access it.`);
    }
    return null;
  }

  async function answer(req: IncomingMessage, rawPath: string, query: URLSearchParams, rec: HubRequest): Promise<Answer> {
    if (rec.host === 'cdn') {
      const bytes = blobs.get(/^\/cdn\/([0-9a-f]{64})$/.exec(rawPath)?.[1] ?? '');
      return bytes ? ranged(bytes, rec.range, { 'content-type': 'application/octet-stream', etag: `"${sha256Hex(bytes)}"` }) : { status: 404, body: 'no such blob' };
    }
    if (o.token && rec.authorization !== `Bearer ${o.token}`) {
      return rec.authorization ? hubError(401, 'RepoNotFound', 'Invalid credentials in Authorization header') : hubError(401, 'RepoNotFound', 'Repository not found');
    }
    const api = /^\/api\/(models|datasets)\/(.*)$/.exec(rawPath);
    if (api) {
      const type = api[1] === 'models' ? 'model' : 'dataset';
      const repo = o.repos.find((r) => r.type === type && (api[2] === r.id || api[2].startsWith(`${r.id}/`)));
      if (!repo) return rec.authorization ? hubError(404, 'RepoNotFound', 'Repository not found') : hubError(401, 'RepoNotFound', 'Repository not found');
      const rest = api[2].slice(repo.id.length + 1);
      const [kind = 'revision', revRaw = 'main', ...pathParts] = rest ? rest.split('/') : [];
      const rev = kind === 'revision' ? decodeURIComponent([revRaw, ...pathParts].join('/')) : decodeURIComponent(revRaw);
      const refused = denied(repo, rec.authorization, kind !== 'revision');
      if (refused) return refused;
      const sha = resolveRev(repo, rev);
      if (!sha) return hubError(404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
      if (kind === 'revision') {
        const siblings = [...repo.files.keys()].sort().map((rfilename) => {
          if (query.get('blobs') !== 'true') return { rfilename };
          const e = entry(repo, rfilename);
          return { rfilename, blobId: e.oid, size: e.size, ...(e.lfs ? { lfs: { sha256: e.lfs.oid, size: e.lfs.size, pointerSize: 134 } } : {}) };
        });
        return json(200, { id: repo.id, sha, private: !!repo.private, gated: repo.gated ? 'manual' : false, disabled: false, siblings });
      }
      if (kind === 'tree') {
        const folder = pathParts.map(decodeURIComponent).join('/');
        const all = treeEntries([...repo.files.keys()], folder, query.get('recursive') === 'true', (p) => entry(repo, p));
        if (!all) return hubError(404, 'EntryNotFound', `${folder} does not exist on "${rev}"`);
        const cursor = Number(query.get('cursor') ?? 0);
        const page = all.slice(cursor, cursor + pageSize);
        const next = new URLSearchParams(query);
        next.set('cursor', String(cursor + pageSize));
        const link = cursor + pageSize < all.length ? { link: `<${state.hubUrl}${rawPath}?${next}>; rel="next"` } : undefined;
        return json(200, page, link);
      }
      if (kind === 'paths-info' && req.method === 'POST') {
        const body = JSON.parse(await readBody(req)) as { paths?: string[]; expand?: boolean };
        const found = (body.paths ?? []).filter((p) => repo.files.has(p));
        const lastCommit = { id: sha, title: 'Upload', date: '2026-01-01T00:00:00.000Z' };
        return json(200, found.map((p) => ({ ...entry(repo, p), ...(body.expand ? { lastCommit } : {}) })));
      }
      return { status: 404, body: 'not found' };
    }
    for (const repo of o.repos) {
      const prefix = `/${repo.type === 'dataset' ? 'datasets/' : ''}${repo.id}/resolve/`;
      if (!rawPath.startsWith(prefix)) continue;
      const [revRaw, ...pathParts] = rawPath.slice(prefix.length).split('/');
      const file = pathParts.map(decodeURIComponent).join('/');
      const refused = denied(repo, rec.authorization, true);
      if (refused) return refused;
      const sha = resolveRev(repo, decodeURIComponent(revRaw));
      if (!sha) return hubError(404, 'RevisionNotFound', `Invalid rev id: ${decodeURIComponent(revRaw)}`);
      const bytes = repo.files.get(file);
      if (!bytes) return hubError(404, 'EntryNotFound', `${file} does not exist on "${decodeURIComponent(revRaw)}"`);
      const e = entry(repo, file);
      if (e.lfs) {
        const headers = { location: `${state.cdnUrl}/cdn/${e.lfs.oid}`, 'x-repo-commit': sha, 'x-linked-etag': `"${e.lfs.oid}"`, 'x-linked-size': String(bytes.length), etag: `"${e.oid}"` };
        return { status: 302, body: '', headers };
      }
      return ranged(bytes, rec.range, { etag: `"${e.oid}"`, 'x-repo-commit': sha });
    }
    return { status: 404, body: 'not found' };
  }

  const handler = (host: 'hub' | 'cdn') => (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rec: HubRequest = { method: req.method ?? 'GET', path: `${decodeURIComponent(url.pathname)}${url.search}`, authorization: req.headers.authorization, range: req.headers.range, host };
    requests.push(rec);
    const fault = state.faults.find((f) => (f.times ?? 1) > 0 && f.match(rec));
    if (fault) fault.times = (fault.times ?? 1) - 1;
    const scripted: Answer | null =
      state.failWith !== null ? json(state.failWith, { error: 'scripted failure' }) : fault?.status ? { status: fault.status, body: fault.body ?? '', headers: fault.headers ?? {} } : null;
    const done = scripted ? Promise.resolve(scripted) : answer(req, url.pathname, url.searchParams, rec);
    done.then(
      (a) => send(res, req.method === 'HEAD', a, fault),
      (e: unknown) => send(res, false, { status: 500, body: String(e) }, undefined),
    );
  };

  const sockets = new Set<Socket>();
  const listen = async (server: Server) => {
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const hub = createServer(handler('hub'));
  const cdn = createServer(handler('cdn'));
  state.hubUrl = await listen(hub);
  state.cdnUrl = await listen(cdn);
  return {
    url: state.hubUrl,
    cdnUrl: state.cdnUrl,
    requests,
    faults: state.faults,
    get failWith() {
      return state.failWith;
    },
    set failWith(v: number | null) {
      state.failWith = v;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([hub, cdn].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

function send(res: ServerResponse, head: boolean, a: Answer, fault: Fault | undefined): void {
  let body = typeof a.body === 'string' ? Buffer.from(a.body) : Buffer.from(a.body ?? '');
  if (fault?.corrupt && body.length) {
    body = Buffer.from(body);
    body[Math.floor(body.length / 2)] ^= 0xff;
  }
  res.writeHead(a.status, { 'content-length': String(body.length), ...a.headers });
  if (head) return void res.end();
  if (fault?.truncateAfter !== undefined) {
    // drop the connection a moment later, once the client has read what was sent
    res.write(body.subarray(0, fault.truncateAfter), () => setTimeout(() => res.destroy(), 50));
    return;
  }
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
