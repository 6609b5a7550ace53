// resolveHubDataset against the loopback Hub emulator: Python cache layout, cache hits without
// requests, offline mode, the Hub's error answers, damaged and interrupted downloads, mirrors.

import { lstat, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { DatasetUnavailableError, resolveHubDataset, type DatasetProgress } from '../../src/data/hub-dataset.ts';
import { readParquetRows } from '../../src/data/parquet-rows.ts';
import { closedPort, FAKE_SHA, sha256Hex, startHubEmulator, type HubEmulator } from '../helpers/hub-emulator.ts';
import { MATH_SPEC, MATH_VALIDATION, MMMU_REPO, mmmuRepoFiles } from '../helpers/mmmu-repo.ts';

let hub: HubEmulator;
let files: Map<string, Uint8Array>;
const temps: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'vlm-hubds-'));
  temps.push(d);
  return d;
};
const noNetwork: typeof fetch = async (input) => {
  throw new Error(`unexpected network call: ${String(input)}`);
};
const repoRoot = (cacheDir: string) => join(cacheDir, 'datasets--MMMU--MMMU');
const resolves = (h: HubEmulator) => h.requests.filter((r) => r.path.includes('/resolve/')).map((r) => r.path.replace(/^.*\/resolve\/[^/]+\//, ''));

beforeAll(async () => {
  files = await mmmuRepoFiles();
  hub = await startHubEmulator({
    repos: [
      { type: 'dataset', id: MMMU_REPO, files },
      { type: 'dataset', id: 'gated/MMMU', files, gated: true, approved: ['hf_approved'] },
    ],
  });
});

afterAll(async () => {
  await hub.close();
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('resolveHubDataset online', () => {
  it('downloads only the split files into the Python cache layout, then serves them from the cache', async () => {
    const cacheDir = await tempDir();
    hub.requests.length = 0;
    const events: DatasetProgress[] = [];
    const ds = await resolveHubDataset(MATH_SPEC, { cacheDir, env: { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_secret' }, onProgress: (e) => events.push(e) });
    const bytes = files.get(MATH_VALIDATION)!;
    const sha256 = sha256Hex(bytes);
    expect(ds).toMatchObject({ source: 'hub', revision: FAKE_SHA, spec: MATH_SPEC });
    expect(ds.files).toEqual([{ path: join(repoRoot(cacheDir), 'snapshots', FAKE_SHA, MATH_VALIDATION), repoPath: MATH_VALIDATION, size: bytes.length, sha256 }]);

    // Python layout: refs/main, blobs/<sha256>, a relative link from snapshots/<sha>/
    expect((await readFile(join(repoRoot(cacheDir), 'refs', 'main'), 'utf8')).trim()).toBe(FAKE_SHA);
    const link = ds.files[0].path;
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    const target = await readlink(link);
    expect(target).toBe(`../../../blobs/${sha256}`);
    expect(resolve(dirname(link), target)).toBe(join(repoRoot(cacheDir), 'blobs', sha256));
    expect(await readdir(join(repoRoot(cacheDir), 'blobs'))).toEqual([sha256]);

    // Only Math/ was listed (two pages), only the validation file fetched, the token only to the Hub.
    const trees = hub.requests.filter((r) => r.path.includes('/tree/'));
    expect(trees.map((r) => r.path.replace(/\?.*$/, ''))).toEqual([`/api/datasets/${MMMU_REPO}/tree/${FAKE_SHA}/Math`, `/api/datasets/${MMMU_REPO}/tree/${FAKE_SHA}/Math`]);
    expect(trees[1].path).toContain('cursor=2');
    expect(resolves(hub)).toEqual([MATH_VALIDATION]);
    expect(hub.requests.filter((r) => r.host === 'hub').every((r) => r.authorization === 'Bearer hf_secret')).toBe(true);
    expect(hub.requests.filter((r) => r.host === 'cdn').map((r) => r.authorization)).toEqual([undefined]);
    expect(events.at(-1)).toEqual({ repo: MMMU_REPO, file: MATH_VALIDATION, bytes: bytes.length, total: bytes.length });

    // Online again: the revision call only.
    hub.requests.length = 0;
    const again = await resolveHubDataset(MATH_SPEC, { cacheDir, env: { HF_ENDPOINT: hub.url } });
    expect(again).toEqual({ ...ds, source: 'cache' });
    expect(hub.requests.map((r) => r.path)).toEqual([`/api/datasets/${MMMU_REPO}/revision/main`]);

    // A commit sha with everything cached: no request at all.
    const pinned = await resolveHubDataset(MATH_SPEC, { cacheDir, revision: FAKE_SHA, env: { HF_ENDPOINT: hub.url }, fetch: noNetwork });
    expect(pinned).toEqual(again);

    // HF_HUB_OFFLINE: no network, same files.
    const offline = await resolveHubDataset(MATH_SPEC, { cacheDir, env: { HF_HUB_OFFLINE: '1', HF_ENDPOINT: hub.url }, fetch: noNetwork });
    expect(offline).toEqual(again);

    // Hub unreachable: the cached revision is used, as huggingface_hub does.
    const port = await closedPort();
    const unreachable = await resolveHubDataset(MATH_SPEC, { cacheDir, env: { HF_ENDPOINT: `http://127.0.0.1:${port}` } });
    expect(unreachable).toEqual(again);

    // The file reads as the suite's parquet.
    let rows = 0;
    for await (const _ of readParquetRows(ds.files[0].path)) rows++;
    expect(rows).toBeGreaterThan(0);
  });

  it('reads exact file names with paths-info instead of listing', async () => {
    const cacheDir = await tempDir();
    hub.requests.length = 0;
    const ds = await resolveHubDataset({ ...MATH_SPEC, dataFiles: [MATH_VALIDATION] }, { cacheDir, env: { HF_ENDPOINT: hub.url } });
    expect(ds.files.map((f) => f.repoPath)).toEqual([MATH_VALIDATION]);
    expect(hub.requests.some((r) => r.method === 'POST' && r.path === `/api/datasets/${MMMU_REPO}/paths-info/${FAKE_SHA}`)).toBe(true);
    expect(hub.requests.some((r) => r.path.includes('/tree/'))).toBe(false);
    const missing = resolveHubDataset({ ...MATH_SPEC, dataFiles: ['Math/validation-00000-of-00002.parquet'] }, { cacheDir: await tempDir(), env: { HF_ENDPOINT: hub.url } });
    await expect(missing).rejects.toThrow(/MMMU\/MMMU has no file Math\/validation-00000-of-00002\.parquet/);
  });
});

describe('resolveHubDataset offline and unreachable', () => {
  it('fails offline with nothing cached, saying how to fix it', async () => {
    const p = resolveHubDataset(MATH_SPEC, { cacheDir: await tempDir(), env: { HF_HUB_OFFLINE: 'true' }, fetch: noNetwork });
    await expect(p).rejects.toBeInstanceOf(DatasetUnavailableError);
    await expect(p).rejects.toMatchObject({ reason: 'offline' });
    await expect(p).rejects.toThrow(/HF_HUB_OFFLINE is set.*MMMU\/MMMU.*refs\/main.*Run once with network access and HF_HUB_OFFLINE unset/);
  });

  it('names the missing files when the ref is cached but the split is not', async () => {
    const cacheDir = await tempDir();
    await resolveHubDataset(MATH_SPEC, { cacheDir, env: { HF_ENDPOINT: hub.url } });
    const p = resolveHubDataset({ ...MATH_SPEC, split: 'dev', dataFiles: ['Math/dev-*'] }, { cacheDir, env: { HF_HUB_OFFLINE: '1' }, fetch: noNetwork });
    await expect(p).rejects.toThrow(/has no file matching Math\/dev-\* \(config 'Math', split 'dev'\)/);
  });

  it('throws DatasetUnavailableError when the Hub is unreachable and nothing is cached', async () => {
    const port = await closedPort();
    const p = resolveHubDataset(MATH_SPEC, { cacheDir: await tempDir(), env: { HF_ENDPOINT: `http://127.0.0.1:${port}`, HF_TOKEN: 'hf_secret' } });
    await expect(p).rejects.toBeInstanceOf(DatasetUnavailableError);
    await expect(p).rejects.toMatchObject({ reason: 'unreachable', message: expect.stringContaining('ECONNREFUSED') });
    await expect(p).rejects.not.toThrow(/hf_secret/);
  });

  it('treats HTTP 503 as unreachable', async () => {
    hub.failWith = 503;
    try {
      await expect(resolveHubDataset(MATH_SPEC, { cacheDir: await tempDir(), env: { HF_ENDPOINT: hub.url } })).rejects.toMatchObject({ name: 'DatasetUnavailableError', reason: 'unreachable' });
    } finally {
      hub.failWith = null;
    }
  });
});

describe('resolveHubDataset errors', () => {
  const spec = { ...MATH_SPEC, repo: 'gated/MMMU' };

  it('says a gated dataset needs access and a token (401 GatedRepo)', async () => {
    const p = resolveHubDataset(spec, { cacheDir: await tempDir(), env: { HF_ENDPOINT: hub.url, HF_HOME: await tempDir() } });
    await expect(p).rejects.toBeInstanceOf(UserError);
    await expect(p).rejects.not.toBeInstanceOf(DatasetUnavailableError);
    await expect(p).rejects.toThrow(`The dataset gated/MMMU is gated (HTTP 401, GatedRepo): request access at ${hub.url}/datasets/gated/MMMU, then set HF_TOKEN`);
  });

  it('says access is not granted yet (403 GatedRepo), without showing the token', async () => {
    const p = resolveHubDataset(spec, { cacheDir: await tempDir(), env: { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_not_approved' } });
    await expect(p).rejects.toThrow(new RegExp(`not \\(yet\\) granted access \\(HTTP 403, GatedRepo\\): request access at ${hub.url}/datasets/gated/MMMU`));
    await expect(p).rejects.not.toThrow(/hf_not_approved/);
  });

  it('downloads a gated dataset with an approved token', async () => {
    const ds = await resolveHubDataset(spec, { cacheDir: await tempDir(), env: { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_approved' } });
    expect(ds.source).toBe('hub');
  });

  it('names a missing repo, revision and folder', async () => {
    const cacheDir = await tempDir();
    const env = { HF_ENDPOINT: hub.url };
    await expect(resolveHubDataset({ ...MATH_SPEC, repo: 'nobody/nothing' }, { cacheDir, env })).rejects.toThrow(
      `The Hub at ${hub.url} has no dataset repo 'nobody/nothing' (HTTP 401, RepoNotFound): check --lmms-org / the repo name; private repos need HF_TOKEN.`,
    );
    await expect(resolveHubDataset(MATH_SPEC, { cacheDir, env, revision: 'v9' })).rejects.toThrow(/has no revision 'v9' \(HTTP 404, RevisionNotFound\)/);
    await expect(resolveHubDataset({ ...MATH_SPEC, config: 'Nope', dataFiles: ['Nope/validation-*'] }, { cacheDir, env })).rejects.toThrow(
      /has no folder 'Nope' at revision [0-9a-f]{40} \(HTTP 404, EntryNotFound\).*check --subject/,
    );
    await expect(resolveHubDataset({ ...MATH_SPEC, dataFiles: ['Math/train-*'] }, { cacheDir, env })).rejects.toThrow(/no file matching Math\/train-\*.*Files there: Math\/dev-00000-of-00001\.parquet/);
  });

  it('retries after 429 Retry-After, and gives up after a bounded number of tries', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    hub.faults.push({ match: (r) => r.path.includes('/revision/'), status: 429, headers: { 'retry-after': '2' } });
    const ds = await resolveHubDataset(MATH_SPEC, { cacheDir: await tempDir(), env: { HF_ENDPOINT: hub.url }, sleep });
    expect(ds.source).toBe('hub');
    expect(waits).toEqual([2000]);

    hub.faults.push({ match: (r) => r.path.includes('/tree/'), status: 429, headers: { 'retry-after': '1' }, times: 10 });
    const p = resolveHubDataset(MATH_SPEC, { cacheDir: await tempDir(), env: { HF_ENDPOINT: hub.url }, sleep });
    await expect(p).rejects.toThrow(/rate limited \(HTTP 429\) 4 times in a row/);
    hub.faults.length = 0;
  });

  it('deletes a download whose sha256 differs and says so', async () => {
    const cacheDir = await tempDir();
    hub.faults.push({ match: (r) => r.host === 'cdn', corrupt: true });
    const p = resolveHubDataset(MATH_SPEC, { cacheDir, env: { HF_ENDPOINT: hub.url } });
    await expect(p).rejects.toThrow(/Downloading Math\/validation-00000-of-00001\.parquet of dataset MMMU\/MMMU \(revision [0-9a-f]{40}\) gave corrupt bytes: their sha256 [0-9a-f]{64} differs from the Hub's [0-9a-f]{64}\. The download was deleted/);
    expect(await readdir(join(repoRoot(cacheDir), 'blobs'))).toEqual([]);
    await expect(lstat(join(repoRoot(cacheDir), 'snapshots', FAKE_SHA, MATH_VALIDATION))).rejects.toThrow();
    // and the next run downloads it properly
    expect((await resolveHubDataset(MATH_SPEC, { cacheDir, env: { HF_ENDPOINT: hub.url } })).source).toBe('hub');
  });

  it('keeps an interrupted download and resumes it with a Range request', async () => {
    const cacheDir = await tempDir();
    const size = files.get(MATH_VALIDATION)!.length;
    hub.faults.push({ match: (r) => r.host === 'cdn', truncateAfter: 1000 });
    const p = resolveHubDataset(MATH_SPEC, { cacheDir, env: { HF_ENDPOINT: hub.url } });
    await expect(p).rejects.toThrow(new RegExp(`cut off after 1000 of ${size} bytes.*\\.incomplete is kept and the next run resumes from there`));
    const sha256 = sha256Hex(files.get(MATH_VALIDATION)!);
    expect(await readdir(join(repoRoot(cacheDir), 'blobs'))).toEqual([`${sha256}.incomplete`]);

    hub.requests.length = 0;
    const ds = await resolveHubDataset(MATH_SPEC, { cacheDir, env: { HF_ENDPOINT: hub.url } });
    expect(ds.files[0]).toMatchObject({ size, sha256 });
    expect(hub.requests.filter((r) => r.host === 'cdn').map((r) => r.range)).toEqual(['bytes=1000-']);
    expect(await readdir(join(repoRoot(cacheDir), 'blobs'))).toEqual([sha256]);
    expect(new Uint8Array(await readFile(ds.files[0].path))).toEqual(files.get(MATH_VALIDATION));
  });

  it('leaves a corrupt parquet file (consistent with its listing) to the parquet reader', async () => {
    const bad = new Map(files);
    bad.set(MATH_VALIDATION, new TextEncoder().encode('this is not a parquet file at all'));
    const evil = await startHubEmulator({ repos: [{ type: 'dataset', id: MMMU_REPO, files: bad }] });
    try {
      const ds = await resolveHubDataset(MATH_SPEC, { cacheDir: await tempDir(), env: { HF_ENDPOINT: evil.url } });
      const read = async () => {
        for await (const _ of readParquetRows(ds.files[0].path));
      };
      await expect(read()).rejects.toThrow(/parquet/i);
    } finally {
      await evil.close();
    }
  });
});

describe('mirrors and tokens', () => {
  it('uses HF_ENDPOINT with a trailing slash and a token without the hf_ prefix, and never shows it', async () => {
    const token = 'mirror-token-1234567890';
    const mirror = await startHubEmulator({ repos: [{ type: 'dataset', id: MMMU_REPO, files }], token });
    try {
      const env = { HF_ENDPOINT: `${mirror.url}/`, HF_TOKEN: token };
      const ds = await resolveHubDataset(MATH_SPEC, { cacheDir: await tempDir(), env });
      expect(ds.source).toBe('hub');
      expect(mirror.requests.filter((r) => r.host === 'hub').every((r) => r.authorization === `Bearer ${token}`)).toBe(true);
      expect(mirror.requests.some((r) => r.path.startsWith('//'))).toBe(false);

      const failing = resolveHubDataset({ ...MATH_SPEC, repo: 'nobody/nothing' }, { cacheDir: await tempDir(), env });
      await expect(failing).rejects.toThrow(/no dataset repo 'nobody\/nothing'/);
      await expect(failing).rejects.not.toThrow(token);
      const wrong = resolveHubDataset(MATH_SPEC, { cacheDir: await tempDir(), env: { ...env, HF_TOKEN: 'wrong-token-abc' } });
      await expect(wrong).rejects.toThrow(/rejected your HF_TOKEN as invalid/);
      await expect(wrong).rejects.not.toThrow('wrong-token-abc');
    } finally {
      await mirror.close();
    }
  });

  it('finds the token in HUGGING_FACE_HUB_TOKEN, HF_TOKEN_PATH and $HF_HOME/token', async () => {
    const home = await tempDir();
    await writeFile(join(home, 'token'), 'hf_from_home\n');
    const tokenPath = join(await tempDir(), 'tok');
    await writeFile(tokenPath, 'hf_from_path\n');
    const cases: Array<[Record<string, string>, string]> = [
      [{ HUGGING_FACE_HUB_TOKEN: 'hf_legacy', HF_HOME: home }, 'Bearer hf_legacy'],
      [{ HF_TOKEN_PATH: tokenPath, HF_HOME: home }, 'Bearer hf_from_path'],
      [{ HF_HOME: home }, 'Bearer hf_from_home'],
    ];
    for (const [env, header] of cases) {
      hub.requests.length = 0;
      await resolveHubDataset(MATH_SPEC, { cacheDir: await tempDir(), env: { HF_ENDPOINT: hub.url, ...env } });
      expect(hub.requests[0].authorization).toBe(header);
    }
  });
});
