// A Hugging Face Hub stand-in on 127.0.0.1 serving model repos from memory (design.md, example 14:
// tests use loopback servers, no network). It answers the two requests resolve-model.ts makes, the
// way huggingface.co does:
//   GET /api/models/{id}/revision/{rev}?blobs=true → {id, sha, siblings: [{rfilename, blobId, size, lfs?}]}
//   GET /{id}/resolve/{rev}/{path}                 → the bytes; LFS files (*.onnx*) answer with a
//                                                    302 to /cdn/<sha256>, as the Hub redirects to its CDN.
// blobId is the git blob sha1 and lfs.sha256 the content's sha256, as on the Hub. Every request is
// recorded (path and Authorization header), so tests can check what was fetched and how.

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, relative } from 'node:path';

export interface HubRepo {
  id: string;
  /** Path in the repo → contents. */
  files: Map<string, Uint8Array>;
  /** The commit `main` points at; a fixed fake sha by default. */
  sha?: string;
}

export interface HubRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface HubModelServer {
  url: string;
  port: number;
  requests: HubRequest[];
  /** Answer every request with this HTTP status instead (e.g. 503), or null for normal service. */
  failWith: number | null;
  close(): Promise<void>;
}

export const FAKE_SHA = '0123456789abcdef0123456789abcdef01234567';

const isLfs = (path: string) => /\.onnx(_data(_\d+)?)?$/.test(path);

function gitBlobSha1(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

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

export async function startHubModelServer(repos: HubRepo[]): Promise<HubModelServer> {
  const byId = new Map(repos.map((r) => [r.id, r]));
  const blobs = new Map<string, Uint8Array>();
  for (const repo of repos) for (const bytes of repo.files.values()) blobs.set(sha256(bytes), bytes);
  const requests: HubRequest[] = [];
  const sockets = new Set<Socket>();

  const state: { failWith: number | null } = { failWith: null };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = decodeURIComponent(url.pathname);
    requests.push({ method: req.method ?? 'GET', path: `${path}${url.search}`, authorization: req.headers.authorization });
    const send = (status: number, body: string | Uint8Array, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
      res.end(body);
    };
    if (state.failWith !== null) return send(state.failWith, JSON.stringify({ error: 'scripted failure' }));

    const api = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(path);
    if (api) {
      const repo = byId.get(api[1]);
      if (!repo) return send(401, JSON.stringify({ error: 'Repository not found' }), { 'content-type': 'application/json' });
      const siblings = [...repo.files].map(([rfilename, bytes]) => ({
        rfilename,
        blobId: gitBlobSha1(bytes),
        size: bytes.length,
        ...(isLfs(rfilename) ? { lfs: { sha256: sha256(bytes), size: bytes.length, pointerSize: 134 } } : {}),
      }));
      return send(200, JSON.stringify({ id: repo.id, sha: repo.sha ?? FAKE_SHA, siblings }), { 'content-type': 'application/json' });
    }
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(path);
    if (cdn) {
      const bytes = blobs.get(cdn[1]);
      return bytes ? send(200, bytes, { 'content-type': 'application/octet-stream' }) : send(404, 'no such blob');
    }
    for (const repo of repos) {
      const prefix = `/${repo.id}/resolve/`;
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      const revision = rest.slice(0, slash);
      const file = rest.slice(slash + 1);
      const bytes = repo.files.get(file);
      if (revision !== (repo.sha ?? FAKE_SHA) && revision !== 'main') return send(404, 'no such revision');
      if (!bytes) return send(404, 'Entry not found', { 'x-error-code': 'EntryNotFound' });
      if (isLfs(file)) return send(302, '', { location: `/cdn/${sha256(bytes)}`, 'x-linked-etag': `"${sha256(bytes)}"`, 'x-linked-size': String(bytes.length) });
      return send(200, bytes, { etag: `"${gitBlobSha1(bytes)}"` });
    }
    return send(404, 'not found');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get failWith() {
      return state.failWith;
    },
    set failWith(v: number | null) {
      state.failWith = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
