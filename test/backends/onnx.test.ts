// The ONNX backend on the committed tiny random SmolVLM (models/tiny-smolvlm/), which goes through
// the same transformers.js path as a real SmolVLM: processor, chat template, vision encoder,
// embedding merge, decoder with KV cache. The model is loaded once for the file.

import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError } from '../../src/backends/backend-error.ts';
import { createOnnxBackend } from '../../src/backends/onnx.ts';
import { onnxDevices } from '../../src/backends/onnx-device.ts';
import { loadOnnxModel, type LoadedOnnxModel } from '../../src/backends/onnx-load.ts';
import { UserError } from '../../src/errors.ts';
import { tinyModelDir } from '../../src/models/default-model.ts';
import type { Backend, ImageInput, Request } from '../../src/types.ts';
import { readFolder, startHubEmulator } from '../helpers/hub-emulator.ts';

let backend: Backend;
let png: ImageInput;
let png2: ImageInput;
const temps: string[] = [];
const live = () => new AbortController().signal;

async function image(width: number, height: number, rgb: [number, number, number]): Promise<ImageInput> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
  return { bytes: new Uint8Array(bytes), mime: 'image/png', width, height };
}

function request(images: ImageInput[], maxTokens = 12, text = 'Can you describe this image?'): Request {
  return {
    sampleId: 's1',
    maxTokens,
    temperature: 0,
    messages: [{ role: 'user', content: [...images.map((img) => ({ type: 'image' as const, image: img })), { type: 'text', text }] }],
  };
}

beforeAll(async () => {
  png = await image(80, 48, [200, 30, 60]);
  png2 = await image(40, 90, [10, 160, 90]);
  backend = await createOnnxBackend({ model: tinyModelDir() });
});

afterAll(async () => {
  await backend?.close?.();
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('onnx backend on the tiny model', () => {
  it('describes the model', async () => {
    expect(await backend.describe()).toEqual({ id: 'vlm-harness/tiny-random-smolvlm', backend: 'onnx', dtype: 'fp32' });
    expect(backend.id).toBe('onnx');
    expect(backend.maxImages).toBeGreaterThan(1);
  });

  it('answers an image question deterministically, timing every token', async () => {
    const a = await backend.generate(request([png]), live());
    const b = await backend.generate(request([png]), live());
    expect(a.text).toBe(b.text);
    expect(a.text).toMatch(/^[\x20-\x7e]{12}$/); // printable ASCII; EOS is suppressed in the tiny model
    // 80×48 → 64×38 → 2×2 tiles + global image, 4 tokens each: 80 prompt tokens (spec/tiny-vlm.md).
    expect(a.promptTokens).toBe(80);
    expect(a.outputTokens).toBe(12);
    expect(a.tokenSource).toBe('tokenizer');
    const t = a.timing!;
    expect(t.chunkMs).toHaveLength(12);
    expect(t.firstTokenMs).toBe(t.chunkMs[0]);
    expect(t.startMs).toBeLessThanOrEqual(t.firstTokenMs!);
    for (let i = 1; i < t.chunkMs.length; i++) expect(t.chunkMs[i]).toBeGreaterThanOrEqual(t.chunkMs[i - 1]);
    expect(t.endMs).toBe(t.chunkMs.at(-1));
  });

  it('uses the injected clock', async () => {
    let tick = 0;
    const clocked = await createOnnxBackend({ model: tinyModelDir(), now: () => ++tick });
    const g = await clocked.generate(request([png], 3), live());
    expect(g.timing).toEqual({ startMs: 1, firstTokenMs: 2, chunkMs: [2, 3, 4], endMs: 4 });
    await clocked.close?.();
  });

  it('takes several images, and text-only prompts', async () => {
    const two = await backend.generate(request([png, png2], 4), live());
    expect(two.promptTokens).toBeGreaterThan(80);
    expect(two.outputTokens).toBe(4);
    const textOnly = await backend.generate({ ...request([], 4), messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] }, live());
    expect(textOnly.outputTokens).toBe(4);
    expect(textOnly.promptTokens).toBeLessThan(40);
  });

  it('runs one generation at a time', async () => {
    const [a, b] = await Promise.all([backend.generate(request([png], 6), live()), backend.generate(request([png2], 6), live())]);
    expect(b.timing!.startMs).toBeGreaterThanOrEqual(a.timing!.endMs);
  });

  it('stops at the next token when aborted, and rejects an aborted request before starting', async () => {
    const ac = new AbortController();
    const pending = backend.generate(request([png], 2000), ac.signal);
    setTimeout(() => ac.abort(new Error('sample timeout')), 20);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ kind: 'timeout', message: expect.stringContaining('sample timeout') });
    await expect(backend.generate(request([png]), AbortSignal.abort())).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('reports undecodable image bytes as an input error', async () => {
    const broken: ImageInput = { ...png, bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) };
    await expect(backend.generate(request([broken]), live())).rejects.toMatchObject({ name: 'BackendError', kind: 'input' });
  });

  it('checks the <image> placeholders of a raw prompt', async () => {
    const raw = { ...request([png], 3), rawPrompt: '<|im_start|>User:<image>Hi<end_of_utterance>\nAssistant:' };
    expect((await backend.generate(raw, live())).outputTokens).toBe(3);
    await expect(backend.generate({ ...raw, rawPrompt: 'no placeholder' }, live())).rejects.toMatchObject({ kind: 'input' });
  });
});

describe('KV cache', () => {
  let loaded: LoadedOnnxModel;
  beforeAll(async () => {
    loaded = await loadOnnxModel({ dir: tinyModelDir(), dtype: 'fp32', device: 'cpu' });
  });

  it('gives the same greedy tokens as a no-cache forward pass over prompt + output', async () => {
    const { tf, processor, model } = loaded;
    const text = processor.apply_chat_template([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Can you describe this image?' }] }] as never, {
      add_generation_prompt: true,
      tokenize: false,
    }) as unknown as string;
    const inputs = await processor(text, [await tf.RawImage.fromBlob(new Blob([png.bytes]))]);
    const promptLength: number = inputs.input_ids.dims[1];
    const sequences = (await model.generate({ ...inputs, max_new_tokens: 16, do_sample: false } as never)) as unknown as InstanceType<typeof tf.Tensor>;
    const ids = Array.from(sequences.data as BigInt64Array);
    expect(ids).toHaveLength(promptLength + 16);

    const full = new tf.Tensor('int64', BigInt64Array.from(ids), [1, ids.length]);
    const mask = new tf.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
    const out = (await model({ input_ids: full, attention_mask: mask, pixel_values: inputs.pixel_values, pixel_attention_mask: inputs.pixel_attention_mask })) as {
      logits: InstanceType<typeof tf.Tensor>;
    };
    const [, positions, vocab] = out.logits.dims;
    expect(positions).toBe(ids.length);
    const logits = out.logits.data as Float32Array;
    const argmax = (row: number) => {
      let best = 0;
      for (let v = 1; v < vocab; v++) if (logits[row * vocab + v] > logits[row * vocab + best]) best = v;
      return BigInt(best);
    };
    const predicted = Array.from({ length: 16 }, (_, i) => argmax(promptLength - 1 + i));
    expect(predicted).toEqual(ids.slice(promptLength));
  });
});

describe('onnx backend errors', () => {
  it('names the available devices for an unknown one', async () => {
    const p = createOnnxBackend({ model: tinyModelDir(), device: 'tpu' });
    await expect(p).rejects.toBeInstanceOf(UserError);
    await expect(p).rejects.toThrow(/Unknown --device 'tpu'.*Available here: .*cpu/);
    await expect(createOnnxBackend({ model: tinyModelDir(), device: 'rocm' })).rejects.toThrow(/no ROCm execution provider.*Available here: .*cpu/);
  });

  it('explains why a provider the binary knows cannot be used', async () => {
    const cuda = (await onnxDevices()).find((d) => d.name === 'cuda');
    if (!cuda || cuda.available) return; // only meaningful where CUDA's provider libraries are absent
    await expect(createOnnxBackend({ model: tinyModelDir(), device: 'cuda' })).rejects.toThrow(/--device cuda cannot be used: .*libonnxruntime_providers_cuda.*Available here: .*cpu/);
  });

  it('names the missing file and the dtypes the folder has', async () => {
    const p = createOnnxBackend({ model: tinyModelDir(), dtype: 'q4' });
    await expect(p).rejects.toBeInstanceOf(UserError);
    await expect(p).rejects.toThrow(/has no onnx\/vision_encoder_q4\.onnx, needed for --dtype q4\. It has files for --dtype fp32\./);
    await expect(createOnnxBackend({ model: tinyModelDir(), dtype: 'int3' })).rejects.toThrow(/Unknown --dtype 'int3'.*fp32, fp16, q8, q4/);
  });

  it('names a corrupt ONNX file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vlm-onnx-'));
    temps.push(dir);
    await cp(tinyModelDir(), dir, { recursive: true });
    await writeFile(join(dir, 'onnx', 'decoder_model_merged.onnx'), new TextEncoder().encode('this is not protobuf '.repeat(50)));
    const p = createOnnxBackend({ model: dir });
    await expect(p).rejects.toBeInstanceOf(UserError);
    await expect(p).rejects.toThrow(/decoder_model_merged\.onnx is not a valid ONNX model: .*delete it.* and download again/);
  });

  it('says when a folder does not exist', async () => {
    await expect(createOnnxBackend({ model: './no/such/folder' })).rejects.toThrow(/does not exist/);
  });

  it('loads a Hub model from the snapshot it downloads into the cache', async () => {
    const server = await startHubEmulator({ repos: [{ type: 'model', id: 'someone/tiny-vlm', files: await readFolder(tinyModelDir()) }] });
    const cacheDir = await mkdtemp(join(tmpdir(), 'vlm-onnx-cache-'));
    temps.push(cacheDir);
    try {
      const events: string[] = [];
      const b = await createOnnxBackend({ model: 'someone/tiny-vlm', cacheDir, env: { HF_ENDPOINT: server.url }, onProgress: (e) => events.push(e.kind) });
      expect(await b.describe()).toEqual({ id: 'someone/tiny-vlm', backend: 'onnx', dtype: 'fp32' });
      expect(events).toContain('download');
      expect(events.at(-1)).toBe('load');
      expect((await b.generate(request([png], 3), live())).outputTokens).toBe(3);
      await b.close?.();
    } finally {
      await server.close();
    }
  });

  it('falls back to the tiny model, with the notice, when the default model cannot be had', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'vlm-onnx-cache-'));
    temps.push(cacheDir);
    const b = await createOnnxBackend({ cacheDir, env: { HF_HUB_OFFLINE: '1' } });
    const info = await b.describe();
    expect(info).toMatchObject({ id: 'vlm-harness/tiny-random-smolvlm', backend: 'onnx', dtype: 'fp32' });
    expect(info.notice).toMatch(/^FALLBACK: /);
    await b.close?.();
  });
});
