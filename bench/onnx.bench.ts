// The in-process ONNX backend on the tiny random SmolVLM (models/tiny-smolvlm/): generation speed
// (tokens/s overall and in decode, TTFT), peak RSS, and the per-sample work around the model (image
// decode, chat template, processor tiling + tokenisation), measured on the same inputs. The tiny
// model's compute is negligible, so these numbers are mostly the harness's and transformers.js's
// own overhead per token and per sample: the floor under any real model on this machine.
//
//   npx tsx bench/onnx.bench.ts [samples] [tokens]

import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { createOnnxBackend } from '../src/backends/onnx.ts';
import { loadOnnxModel } from '../src/backends/onnx-load.ts';
import { tinyModelDir } from '../src/models/default-model.ts';
import type { ImageInput, Request } from '../src/types.ts';

export interface OnnxBenchOptions {
  samples?: number;
  tokens?: number;
  /** A model folder; the tiny model by default. */
  model?: string;
  threads?: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN;
};
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

async function testImage(i: number): Promise<ImageInput> {
  // A 640×480 photo-sized PNG with a gradient, different per sample.
  const width = 640;
  const height = 480;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      raw[o] = (x + i * 37) & 255;
      raw[o + 1] = (y + i * 91) & 255;
      raw[o + 2] = (x ^ y) & 255;
    }
  }
  const bytes = await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return { bytes: new Uint8Array(bytes), mime: 'image/png', width, height };
}

function request(id: number, image: ImageInput, tokens: number): Request {
  return {
    sampleId: String(id),
    maxTokens: tokens,
    temperature: 0,
    messages: [{ role: 'user', content: [{ type: 'image', image }, { type: 'text', text: 'What is shown in this image? Answer in one word.' }] }],
  };
}

export async function benchOnnx(o: OnnxBenchOptions = {}): Promise<Record<string, unknown>> {
  const samples = o.samples ?? 20;
  const tokens = o.tokens ?? 32;
  const model = o.model ?? tinyModelDir();
  const images = await Promise.all(Array.from({ length: samples }, (_, i) => testImage(i)));

  const loadStart = performance.now();
  const backend = await createOnnxBackend({ model, threads: o.threads });
  const loadMs = performance.now() - loadStart;
  const signal = new AbortController().signal;
  await backend.generate(request(-1, images[0], tokens), signal); // warm-up

  const ttft: number[] = [];
  const decodeRate: number[] = [];
  const totalMs: number[] = [];
  let outputTokens = 0;
  const runStart = performance.now();
  for (let i = 0; i < samples; i++) {
    const g = await backend.generate(request(i, images[i], tokens), signal);
    const t = g.timing!;
    outputTokens += g.outputTokens;
    ttft.push(t.firstTokenMs! - t.startMs);
    totalMs.push(t.endMs - t.startMs);
    if (g.outputTokens > 1) decodeRate.push(((g.outputTokens - 1) * 1000) / (t.endMs - t.firstTokenMs!));
  }
  const runMs = performance.now() - runStart;
  await backend.close?.();

  // The work before the first forward pass, step by step, on the same inputs.
  const { tf, processor } = await loadOnnxModel({ dir: model, dtype: 'fp32', device: 'cpu', threads: o.threads });
  const decodeMs: number[] = [];
  const templateMs: number[] = [];
  const processorMs: number[] = [];
  for (const image of images) {
    const t0 = performance.now();
    const raw = await tf.RawImage.fromBlob(new Blob([image.bytes]));
    const t1 = performance.now();
    const text = processor.apply_chat_template([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is shown in this image?' }] }] as never, {
      add_generation_prompt: true,
      tokenize: false,
    }) as unknown as string;
    const t2 = performance.now();
    await processor(text, [raw]);
    const t3 = performance.now();
    decodeMs.push(t1 - t0);
    templateMs.push(t2 - t1);
    processorMs.push(t3 - t2);
  }

  return {
    model,
    samples,
    tokensPerSample: tokens,
    loadMs: round(loadMs, 1),
    tokensPerSecond: round((outputTokens * 1000) / runMs, 1),
    decodeTokensPerSecondMedian: round(median(decodeRate), 1),
    ttftMsMedian: round(median(ttft)),
    sampleMsMedian: round(median(totalMs)),
    imageDecodeMsMedian: round(median(decodeMs)),
    chatTemplateMsMedian: round(median(templateMs), 3),
    processorMsMedian: round(median(processorMs)),
    peakRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [samples, tokens] = process.argv.slice(2).map(Number);
  console.table(await benchOnnx({ samples: samples || undefined, tokens: tokens || undefined }));
}
