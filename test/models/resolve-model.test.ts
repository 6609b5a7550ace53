import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readFile, readlink, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { hubCacheDir } from '../../src/hub/cache.ts';
import { isOffline } from '../../src/hub/env.ts';
import { ModelUnavailableError, resolveModel, type ModelProgress } from '../../src/models/resolve-model.ts';
import { tinyModelDir } from '../../src/models/default-model.ts';
import { closedPort, FAKE_SHA, readFolder, startHubEmulator, type HubEmulator } from '../helpers/hub-emulator.ts';

const ID = 'vlm-harness/tiny-random-smolvlm';
const NEEDED = [
  'config.json',
  'preprocessor_config.json',
  'processor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/vision_encoder.onnx',
  'onnx/embed_tokens.onnx',
  'onnx/decoder_model_merged.onnx',
  'generation_config.json',
];

let server: HubEmulator;
let files: Map<string, Uint8Array>;
const temps: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vlm-hub-'));
  temps.push(dir);
  return dir;
}

/** A fetch that fails the test if called. */
const noNetwork: typeof fetch = async (input) => {
  throw new Error(`unexpected network call: ${String(input)}`);
};

beforeAll(async () => {
  files = await readFolder(tinyModelDir());
  // Extra variants the resolver must not fetch for fp32.
  files.set('onnx/decoder_model_merged_q4.onnx', new Uint8Array([1, 2, 3]));
  files.set('onnx/embed_tokens_fp16.onnx', new Uint8Array([4, 5, 6]));
  files.set('README.md', new TextEncoder().encode('# tiny\n'));
  server = await startHubEmulator({ repos: [{ type: 'model', id: ID, files }] });
});

afterAll(async () => {
  await server.close();
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('resolveModel', () => {
  it('downloads only the files the dtype needs into the Python-compatible cache layout', async () => {
    const cacheDir = await tempDir();
    server.requests.length = 0;
    const events: ModelProgress[] = [];
    const resolved = await resolveModel({
      model: ID,
      dtype: 'fp32',
      cacheDir,
      env: { HF_ENDPOINT: server.url, HF_TOKEN: 'hf_secret_token' },
      onProgress: (e) => events.push(e),
    });
    const repoRoot = join(cacheDir, 'models--vlm-harness--tiny-random-smolvlm');
    expect(resolved.dir).toBe(join(repoRoot, 'snapshots', FAKE_SHA));
    expect(resolved.source).toBe('hub');
    expect(new Set(resolved.files)).toEqual(new Set(NEEDED));
    expect((await readFile(join(repoRoot, 'refs', 'main'), 'utf8')).trim()).toBe(FAKE_SHA);

    for (const file of NEEDED) {
      const link = join(resolved.dir, file);
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      const target = await readlink(link);
      expect(target.startsWith('../')).toBe(true); // relative, as huggingface_hub writes them
      const blob = resolve(dirname(link), target);
      const bytes = files.get(file)!;
      expect(new Uint8Array(await readFile(blob))).toEqual(bytes);
      // LFS files are named by sha256, plain files by git blob sha1.
      const expectedName = file.endsWith('.onnx')
        ? createHash('sha256').update(bytes).digest('hex')
        : createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
      expect(blob).toBe(join(repoRoot, 'blobs', expectedName));
    }
    const fetched = server.requests.filter((r) => r.path.includes('/resolve/')).map((r) => r.path.split(`/resolve/${FAKE_SHA}/`)[1]);
    expect(new Set(fetched)).toEqual(new Set(NEEDED));
    expect(server.requests.every((r) => r.path.startsWith('/cdn/') || r.authorization === 'Bearer hf_secret_token')).toBe(true);
    expect(events.some((e) => e.kind === 'download' && e.file === 'onnx/decoder_model_merged.onnx' && e.loadedBytes === e.totalBytes)).toBe(true);

    // Online again: only the metadata request, every file is a cache hit.
    server.requests.length = 0;
    const again = await resolveModel({ model: ID, dtype: 'fp32', cacheDir, env: { HF_ENDPOINT: server.url } });
    expect(again.dir).toBe(resolved.dir);
    expect(again.source).toBe('cache');
    expect(server.requests.map((r) => r.path)).toEqual([`/api/models/${ID}/revision/main?blobs=true`]);

    // HF_HUB_OFFLINE=1: no network at all, same snapshot.
    const offline = await resolveModel({ model: ID, dtype: 'fp32', cacheDir, env: { HF_HUB_OFFLINE: '1', HF_ENDPOINT: server.url }, fetch: noNetwork });
    expect(offline.dir).toBe(resolved.dir);
    expect(offline.source).toBe('cache');

    // Hub unreachable with a complete cache: the cache is used, as Python does.
    const port = await closedPort();
    const unreachable = await resolveModel({ model: ID, dtype: 'fp32', cacheDir, env: { HF_ENDPOINT: `http://127.0.0.1:${port}` } });
    expect(unreachable.dir).toBe(resolved.dir);

    // Offline, but the dtype asked for was never downloaded: the error names the missing file.
    const q4 = resolveModel({ model: ID, dtype: 'q4', cacheDir, env: { HF_HUB_OFFLINE: '1' }, fetch: noNetwork });
    await expect(q4).rejects.toBeInstanceOf(ModelUnavailableError);
    await expect(q4).rejects.toThrow(/onnx\/vision_encoder_q4\.onnx.*Cached dtypes: fp32/);
  });

  it('relinks a snapshot file whose link was deleted, from the blob already there', async () => {
    const cacheDir = await tempDir();
    const env = { HF_ENDPOINT: server.url };
    const first = await resolveModel({ model: ID, dtype: 'fp32', cacheDir, env });
    await unlink(join(first.dir, 'onnx/embed_tokens.onnx'));
    server.requests.length = 0;
    const second = await resolveModel({ model: ID, dtype: 'fp32', cacheDir, env });
    expect(second.downloadedBytes).toBe(0);
    expect(server.requests.filter((r) => r.path.includes('/resolve/'))).toEqual([]);
    expect(new Uint8Array(await readFile(join(second.dir, 'onnx/embed_tokens.onnx')))).toEqual(files.get('onnx/embed_tokens.onnx'));
  });

  it('throws ModelUnavailableError when the Hub is unreachable and nothing is cached', async () => {
    const port = await closedPort();
    const p = resolveModel({ model: ID, dtype: 'fp32', cacheDir: await tempDir(), env: { HF_ENDPOINT: `http://127.0.0.1:${port}`, HF_TOKEN: 'hf_secret_token' } });
    await expect(p).rejects.toBeInstanceOf(ModelUnavailableError);
    await expect(p).rejects.toMatchObject({ reason: 'unreachable', message: expect.stringContaining('ECONNREFUSED') });
    await expect(p).rejects.not.toThrow(/hf_secret_token/);
  });

  it('treats a failing Hub (HTTP 503) like an unreachable one', async () => {
    server.failWith = 503;
    try {
      const p = resolveModel({ model: ID, dtype: 'fp32', cacheDir: await tempDir(), env: { HF_ENDPOINT: server.url } });
      await expect(p).rejects.toMatchObject({ name: 'ModelUnavailableError', reason: 'unreachable' });
    } finally {
      server.failWith = null;
    }
  });

  it('throws ModelUnavailableError offline with nothing cached', async () => {
    const p = resolveModel({ model: ID, dtype: 'fp32', cacheDir: await tempDir(), env: { HF_HUB_OFFLINE: 'true' }, fetch: noNetwork });
    await expect(p).rejects.toMatchObject({ name: 'ModelUnavailableError', reason: 'offline', message: expect.stringContaining('HF_HUB_OFFLINE') });
  });

  it('names the missing file and the dtypes the repo has when the dtype is not there', async () => {
    const p = resolveModel({ model: ID, dtype: 'q8', cacheDir: await tempDir(), env: { HF_ENDPOINT: server.url } });
    await expect(p).rejects.toBeInstanceOf(UserError);
    await expect(p).rejects.not.toBeInstanceOf(ModelUnavailableError);
    await expect(p).rejects.toThrow(/onnx\/vision_encoder_quantized\.onnx.*--dtype q8.*cover: fp32/);
  });

  it('reports an unknown model as a user mistake, not as an unreachable Hub', async () => {
    const p = resolveModel({ model: 'nobody/nothing', dtype: 'fp32', cacheDir: await tempDir(), env: { HF_ENDPOINT: server.url } });
    await expect(p).rejects.toBeInstanceOf(UserError);
    await expect(p).rejects.not.toBeInstanceOf(ModelUnavailableError);
    await expect(p).rejects.toThrow(/nobody\/nothing.*HTTP 401.*HF_TOKEN/);
  });

  it('rejects a download whose bytes do not match the Hub sha256', async () => {
    const bad = new Map(files);
    const evil = await startHubEmulator({ repos: [{ type: 'model', id: ID, files: bad }] });
    // Serve different bytes than the metadata announces: same length, one byte flipped.
    const original = bad.get('onnx/embed_tokens.onnx')!;
    const tampered = original.slice();
    tampered[100] ^= 0xff;
    const lying: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).endsWith('onnx/embed_tokens.onnx')) return res;
      return new Response(tampered, { status: 200, headers: { 'content-length': String(tampered.length) } });
    };
    try {
      const p = resolveModel({ model: ID, dtype: 'fp32', cacheDir: await tempDir(), env: { HF_ENDPOINT: evil.url }, fetch: lying });
      await expect(p).rejects.toThrow(/embed_tokens\.onnx.*sha256/);
    } finally {
      await evil.close();
    }
  });
});

describe('hub cache location', () => {
  it('follows HF_HUB_CACHE, then HF_HOME/hub, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(hubCacheDir({ HF_HUB_CACHE: '/a/hub', HF_HOME: '/b' }, '/home/u')).toBe('/a/hub');
    expect(hubCacheDir({ HUGGINGFACE_HUB_CACHE: '/legacy' }, '/home/u')).toBe('/legacy');
    expect(hubCacheDir({ HF_HOME: '/b' }, '/home/u')).toBe('/b/hub');
    expect(hubCacheDir({ HF_HOME: '~/hf' }, '/home/u')).toBe('/home/u/hf/hub');
    expect(hubCacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u')).toBe('/x/huggingface/hub');
    expect(hubCacheDir({}, '/home/u')).toBe('/home/u/.cache/huggingface/hub');
  });

  it('reads HF_HUB_OFFLINE as huggingface_hub does', () => {
    for (const v of ['1', 'true', 'YES', 'on']) expect(isOffline({ HF_HUB_OFFLINE: v })).toBe(true);
    for (const v of [undefined, '', '0', 'false', 'no']) expect(isOffline({ HF_HUB_OFFLINE: v })).toBe(false);
  });

  it('uses the token file under HF_HOME when HF_TOKEN is unset', async () => {
    const home = await tempDir();
    await writeFile(join(home, 'token'), 'hf_from_file\n');
    server.requests.length = 0;
    await resolveModel({ model: ID, dtype: 'fp32', cacheDir: await tempDir(), env: { HF_ENDPOINT: server.url, HF_HOME: home } });
    expect(server.requests[0].authorization).toBe('Bearer hf_from_file');
  });
});
