import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID, resolveDefaultModel, TINY_MODEL_ID, tinyModelDir } from '../../src/models/default-model.ts';
import { closedPort, readFolder, startHubEmulator, type HubEmulator } from '../helpers/hub-emulator.ts';

let server: HubEmulator;
const temps: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'vlm-default-'));
  temps.push(d);
  return d;
};

beforeAll(async () => {
  // The default repo's q8 files, played by the tiny model's fp32 graphs under the q8 names
  // (the dtype suffix is only a naming convention: ../shared/spec/tiny-vlm.md, check 5).
  const tiny = await readFolder(tinyModelDir());
  const files = new Map<string, Uint8Array>();
  for (const [path, bytes] of tiny) files.set(path.replace(/\.onnx$/, '_quantized.onnx'), bytes);
  server = await startHubEmulator({ repos: [{ type: 'model', id: DEFAULT_MODEL_ID, files }] });
});

afterAll(async () => {
  await server.close();
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('resolveDefaultModel', () => {
  it('is SmolVLM-256M-Instruct in q8 when the Hub answers', async () => {
    const d = await resolveDefaultModel({ cacheDir: await tempDir(), env: { HF_ENDPOINT: server.url } });
    expect(d).toMatchObject({ modelId: DEFAULT_MODEL_ID, dtype: 'q8', fallback: false });
    expect(d.notice).toBeUndefined();
    expect(existsSync(join(d.modelPath, 'onnx', 'decoder_model_merged_quantized.onnx'))).toBe(true);
  });

  it('uses the cached copy offline', async () => {
    const cacheDir = await tempDir();
    const online = await resolveDefaultModel({ cacheDir, env: { HF_ENDPOINT: server.url } });
    const offline = await resolveDefaultModel({ cacheDir, env: { HF_HUB_OFFLINE: '1' } });
    expect(offline).toEqual(online);
  });

  it('falls back loudly to the committed tiny model when the Hub is unreachable and nothing is cached', async () => {
    const port = await closedPort();
    const d = await resolveDefaultModel({ cacheDir: await tempDir(), env: { HF_ENDPOINT: `http://127.0.0.1:${port}` } });
    expect(d).toMatchObject({ modelId: TINY_MODEL_ID, dtype: 'fp32', fallback: true, modelPath: tinyModelDir() });
    expect(d.notice).toMatch(/^FALLBACK: the Hub is unreachable.*tiny random model vlm-harness\/tiny-random-smolvlm \(random weights\)\. Its scores are meaningless/);
    expect(existsSync(join(d.modelPath, 'onnx', 'decoder_model_merged.onnx'))).toBe(true);
  });

  it('falls back offline with nothing cached', async () => {
    const d = await resolveDefaultModel({ cacheDir: await tempDir(), env: { HF_HUB_OFFLINE: '1' } });
    expect(d.fallback).toBe(true);
    expect(d.notice).toMatch(/^FALLBACK: HF_HUB_OFFLINE is set/);
  });
});
