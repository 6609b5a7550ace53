// The shared Hub client and downloader (src/hub/) on their own: auth only to the Hub's origin,
// Retry-After, error mapping, redirect headers, git-sha1 checks of plain files.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileDownloadInfo } from '@huggingface/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { repoCache } from '../../src/hub/cache.ts';
import { createHubClient, retryAfterMs } from '../../src/hub/client.ts';
import { downloadToCache } from '../../src/hub/download.ts';
import { hubHttpError, HubNotFoundError, HubUnreachableError } from '../../src/hub/errors.ts';
import type { RepoRef } from '../../src/hub/repo.ts';
import { FAKE_SHA, gitBlobSha1, sha256Hex, startHubEmulator, type HubEmulator } from '../helpers/hub-emulator.ts';

const DATASET: RepoRef = { type: 'dataset', id: 'org/data' };
const MODEL: RepoRef = { type: 'model', id: 'org/model' };
const enc = (s: string) => new TextEncoder().encode(s);
const files = new Map<string, Uint8Array>([
  ['README.md', enc('# data\n')],
  ['data/a b/x#1.parquet', enc('PAR1 not really PAR1')],
  ['data/notes.txt', enc('plain git file\n')],
]);

let hub: HubEmulator;
const temps: string[] = [];
beforeAll(async () => {
  hub = await startHubEmulator({
    repos: [
      { type: 'dataset', id: DATASET.id, files },
      { type: 'model', id: MODEL.id, files },
    ],
  });
});
afterAll(async () => {
  await hub.close();
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('createHubClient', () => {
  it('resolves a revision, lists a folder across pages and reads paths-info, for both repo types', async () => {
    const client = createHubClient({ endpoint: hub.url, token: 'any-format-token' });
    for (const repo of [DATASET, MODEL]) {
      const info = await client.revisionInfo(repo, 'main');
      expect(info.sha).toBe(FAKE_SHA);
      expect(info.siblings?.map((s) => s.rfilename)).toEqual([...files.keys()].sort());
      const listed = await client.listFiles(repo, FAKE_SHA, { path: 'data', recursive: true });
      expect(listed.map((f) => f.path)).toEqual(['data/a b/x#1.parquet', 'data/notes.txt']);
      expect(listed[0].lfs).toEqual({ oid: sha256Hex(files.get('data/a b/x#1.parquet')!), size: 20 });
      const info2 = await client.pathsInfo(repo, FAKE_SHA, ['data/notes.txt', 'missing.txt']);
      expect(info2).toEqual([{ path: 'data/notes.txt', size: 15, oid: gitBlobSha1(files.get('data/notes.txt')!) }]);
    }
    expect(hub.requests.some((r) => r.path.startsWith('/api/models/org/model/tree/'))).toBe(true);
    expect(hub.requests.every((r) => r.authorization === 'Bearer any-format-token')).toBe(true);
  });

  it('maps the Hub error codes to messages that name the repo and the fix', () => {
    const ctx = { endpoint: 'https://hub.example', repo: MODEL, revision: 'main', hasToken: false, notFoundHint: 'check --model' };
    const err = (status: number, code: string | null, message: string | null = null, extra = {}) => hubHttpError({ status, code, message }, { ...ctx, ...extra });
    expect(err(401, 'GatedRepo').message).toBe(
      'The model org/model is gated (HTTP 401, GatedRepo): request access at https://hub.example/org/model, then set HF_TOKEN to a token of the account that was granted access.',
    );
    expect(err(401, 'RepoNotFound')).toBeInstanceOf(HubNotFoundError);
    expect(err(404, null).message).toMatch(/no model repo 'org\/model' \(HTTP 404\): check --model; private repos need HF_TOKEN/);
    expect(err(401, 'RepoNotFound', 'Invalid credentials in Authorization header', { hasToken: true }).message).toMatch(/rejected your HF_TOKEN as invalid/);
    expect(err(404, 'EntryNotFound', null, { entry: { kind: 'file', path: 'x.onnx' } }).message).toBe('The model org/model has no file \'x.onnx\' at revision main (HTTP 404, EntryNotFound).');
    expect(err(403, null, 'Access to this resource is disabled.').message).toMatch(/refused a request for model org\/model \(HTTP 403: Access to this resource is disabled\.\)/);
    expect(err(502, null)).toBeInstanceOf(HubUnreachableError);
    expect(err(400, null)).toBeInstanceOf(UserError);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('caps the wait and counts the retries', async () => {
    const waits: number[] = [];
    const client = createHubClient({ endpoint: hub.url, sleep: async (ms) => void waits.push(ms), maxRetries: 2, maxRetryWaitMs: 5000 });
    hub.faults.push({ match: (r) => r.path.includes('/revision/'), status: 429, headers: { 'retry-after': '3600' }, times: 5 });
    await expect(client.revisionInfo(DATASET, 'main')).rejects.toThrow(/rate limited \(HTTP 429\) 3 times in a row; try again later or set HF_TOKEN/);
    expect(waits).toEqual([5000, 5000]);
    hub.faults.length = 0;
  });
});

describe('the emulator', () => {
  it('answers @huggingface/hub fileDownloadInfo (Range: bytes=0-0 through the CDN redirect) and HEAD', async () => {
    const bytes = files.get('data/a b/x#1.parquet')!;
    const info = await fileDownloadInfo({ repo: { type: 'dataset', name: DATASET.id }, path: 'data/a%20b/x%231.parquet', revision: FAKE_SHA, hubUrl: hub.url });
    expect(info).toMatchObject({ size: bytes.length, etag: `"${sha256Hex(bytes)}"` });
    const head = await fetch(`${hub.url}/datasets/${DATASET.id}/resolve/main/data/notes.txt`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), head.headers.get('x-repo-commit')]).toEqual([200, '15', FAKE_SHA]);
  });
});

describe('downloadToCache', () => {
  const tempCache = async () => {
    const d = await mkdtemp(join(tmpdir(), 'vlm-hubdl-'));
    temps.push(d);
    return repoCache(d, DATASET);
  };

  it('encodes odd path characters and checks plain files against their git blob sha1', async () => {
    const client = createHubClient({ endpoint: hub.url });
    const cache = await tempCache();
    const [lfs, plain] = await client.listFiles(DATASET, FAKE_SHA, { path: 'data', recursive: true });
    const got = await downloadToCache({ client, repo: DATASET, cache, sha: FAKE_SHA, file: lfs });
    expect(got).toMatchObject({ etag: lfs.lfs!.oid, size: 20, downloadedBytes: 20 });
    expect(got.path).toBe(join(cache.snapshotDir(FAKE_SHA), 'data/a b/x#1.parquet'));

    hub.faults.push({ match: (r) => r.path.endsWith('notes.txt'), corrupt: true });
    await expect(downloadToCache({ client, repo: DATASET, cache, sha: FAKE_SHA, file: plain })).rejects.toThrow(/git blob sha1 [0-9a-f]{40} differs from the Hub's/);
    const ok = await downloadToCache({ client, repo: DATASET, cache, sha: FAKE_SHA, file: plain });
    expect(ok.etag).toBe(gitBlobSha1(files.get('data/notes.txt')!));
    expect((await readdir(join(cache.root, 'blobs'))).sort()).toEqual([lfs.lfs!.oid, ok.etag].sort());
  });

  it('names a file by the X-Linked-Etag of the redirect when the listing gave no hash', async () => {
    const client = createHubClient({ endpoint: hub.url });
    const cache = await tempCache();
    const bytes = files.get('data/a b/x#1.parquet')!;
    const got = await downloadToCache({ client, repo: DATASET, cache, sha: FAKE_SHA, file: { path: 'data/a b/x#1.parquet', size: bytes.length } });
    expect(got.etag).toBe(sha256Hex(bytes));
    expect(await readdir(join(cache.root, 'blobs'))).toEqual([sha256Hex(bytes)]);
  });

  it('reports a missing file by name', async () => {
    const client = createHubClient({ endpoint: hub.url });
    const p = downloadToCache({ client, repo: DATASET, cache: await tempCache(), sha: FAKE_SHA, file: { path: 'data/gone.parquet', size: 3 } });
    await expect(p).rejects.toThrow("The dataset org/data has no file 'data/gone.parquet' at revision " + FAKE_SHA + ' (HTTP 404, EntryNotFound).');
  });
});
