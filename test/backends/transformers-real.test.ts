// The real python/worker.py against a tiny, randomly initialised Llama 3.2 Vision (Mllama) that
// python/make_tiny_mllama.py builds offline: loading, the chat template, raw prompts, multi-turn
// messages (and `--conversation` runs), the token streamer's timing and the CLI end to end, on the
// CPU in fp32.
// It needs torch and transformers for the Python it finds (python3, or VLM_TEST_PYTHON=<path>), which
// CI does not have: then every test is skipped and the reason printed.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsSchema } from '../../src/report/schema.ts';
import { createTransformersBackend, type TransformersBackend } from '../../src/backends/transformers.ts';
import type { ImageInput, Request } from '../../src/types.ts';
import { REPO, runCli } from '../helpers/run-cli.ts';

const PYTHON = process.env.VLM_TEST_PYTHON ?? 'python3';
// An interpreter given by path also answers to `python3` (the CLI's default) through PATH.
const ENV: NodeJS.ProcessEnv = isAbsolute(PYTHON) ? { ...process.env, PATH: `${dirname(PYTHON)}${delimiter}${process.env.PATH ?? ''}` } : process.env;

function probe(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, transformers, PIL'], { encoding: 'utf8', env: ENV, timeout: 120_000 });
  if (r.error) return `${PYTHON} could not be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  if (r.status !== 0) return `${PYTHON} cannot import torch/transformers/PIL: ${r.stderr.trim().split('\n').at(-1)}`;
  return null;
}

const missing = probe();
if (missing) console.warn(`transformers-real.test.ts skipped: ${missing}. Install torch and transformers (or set VLM_TEST_PYTHON) to run it.`);

async function pngImage(): Promise<ImageInput> {
  const bytes = await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
  return { bytes: new Uint8Array(bytes), mime: 'image/png', width: 96, height: 64 };
}

describe.skipIf(missing !== null)('transformers backend with the real worker and a tiny Mllama', () => {
  let dir = '';
  let model = '';
  let backend: TransformersBackend;
  let image: ImageInput;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vlm-tiny-mllama-'));
    model = join(dir, 'tiny-mllama');
    const made = spawnSync(PYTHON, [join(REPO, 'python/make_tiny_mllama.py'), model], { encoding: 'utf8', env: ENV, timeout: 300_000 });
    if (made.status !== 0) throw new Error(`make_tiny_mllama.py failed:\n${made.stderr}`);
    image = await pngImage();
    backend = await createTransformersBackend({ model, dtype: 'fp32', device: 'cpu', python: PYTHON, env: ENV, startupTimeoutMs: 300_000 });
  }, 600_000);

  afterAll(async () => {
    await backend?.close?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ask = (text: string, extra: Partial<Request> = {}): Request => ({
    sampleId: text,
    messages: [{ role: 'user', content: [{ type: 'image', image }, { type: 'text', text }] }],
    maxTokens: 8,
    temperature: 0,
    ...extra,
  });

  it('reports the device and versions, and one image per request for Mllama', async () => {
    expect(backend.maxImages).toBe(1);
    const info = backend.deviceInfo();
    expect(info.deviceName).toBe('cpu');
    expect(info.torch).toMatch(/^\d+\.\d+/);
    expect(info.transformers).toMatch(/^\d+\.\d+/);
    expect(await backend.describe()).toEqual({ id: model, backend: 'transformers', dtype: 'fp32' });
  });

  it('generates greedily through the chat template, with per-token timing', async () => {
    const a = await backend.generate(ask('What colour is the image?'), new AbortController().signal);
    const b = await backend.generate(ask('What colour is the image?'), new AbortController().signal);
    expect(typeof a.text).toBe('string');
    expect(b.text).toBe(a.text); // greedy and deterministic
    expect(a.outputTokens).toBeGreaterThan(0);
    expect(a.outputTokens).toBeLessThanOrEqual(8);
    expect(a.tokenSource).toBe('tokenizer');
    // Byte-level vocabulary: the prompt is at least as many tokens as its text has bytes.
    expect(a.promptTokens!).toBeGreaterThan('What colour is the image?'.length);
    const t = a.timing!;
    expect(t.chunkMs).toHaveLength(a.outputTokens);
    expect(t.firstTokenMs!).toBeGreaterThan(t.startMs);
    for (let i = 1; i < t.chunkMs.length; i++) expect(t.chunkMs[i]).toBeGreaterThanOrEqual(t.chunkMs[i - 1]);
    expect(t.endMs).toBe(t.chunkMs.at(-1));
    expect(backend.memory()).toBeNull(); // no CUDA on the CPU
  }, 120_000);

  it('takes a multi-turn conversation and a raw prompt that bypasses the template', async () => {
    const signal = new AbortController().signal;
    const multi = await backend.generate(
      {
        sampleId: 'multi',
        messages: [
          { role: 'user', content: [{ type: 'image', image }, { type: 'text', text: 'Describe the image.' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'A red rectangle.' }] },
          { role: 'user', content: [{ type: 'text', text: 'How wide is it?' }] },
        ],
        maxTokens: 4,
        temperature: 0,
      },
      signal,
    );
    expect(multi.outputTokens).toBeGreaterThan(0);
    const single = await backend.generate(ask('Describe the image.', { maxTokens: 4 }), signal);
    expect(multi.promptTokens!).toBeGreaterThan(single.promptTokens!);

    const rawPrompt = '<|image|><|begin_of_text|>If I had to write a haiku for this one';
    const raw = await backend.generate(ask('unused', { rawPrompt, maxTokens: 4 }), signal);
    // <|image|> and <|begin_of_text|> are one token each; every other byte is one token.
    expect(raw.promptTokens).toBe(2 + 'If I had to write a haiku for this one'.length);
  }, 120_000);

  it('errors an undecodable image as an input error and keeps serving', async () => {
    const broken: ImageInput = { bytes: new Uint8Array([1, 2, 3]), mime: 'image/png', width: 1, height: 1 };
    const bad: Request = { sampleId: 'bad', messages: [{ role: 'user', content: [{ type: 'image', image: broken }, { type: 'text', text: 'x' }] }], maxTokens: 2, temperature: 0 };
    await expect(backend.generate(bad, new AbortController().signal)).rejects.toMatchObject({ kind: 'input' });
    expect((await backend.generate(ask('still there?', { maxTokens: 2 }), new AbortController().signal)).outputTokens).toBeGreaterThan(0);
  }, 120_000);

  it(
    'runs `eval --suite chartqa --data sample --backend transformers` end to end, with perf and memory filled',
    async () => {
      const out = join(dir, 'run');
      const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'transformers', '--model', model, '--device', 'cpu', '--dtype', 'fp32', '--python', PYTHON, '--out', out], { env: ENV });
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(out, 'results.json'))).toBe(true);
      const results = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
      expect(results.suites[0].perf.outputTokensPerSec).toBeGreaterThan(0);
      expect(results.suites[0].perf.ttftMs).not.toBeNull();
      expect(results.memory.peakRssMiB).toBeGreaterThan(0);
      expect(results.memory.backend?.software.torch).toBeTruthy();
      expect(results.model).toMatchObject({ backend: 'transformers', dtype: 'fp32' });
      expect(results.suites[0].counts.errored).toBe(0);
      expect(results.suites[0].counts.scored).toBe(results.suites[0].counts.total);
    },
    600_000,
  );

  it(
    'runs DocVQA as conversations (`--conversation`): the chat template gets the history, the image once, in the first turn',
    async () => {
      const out = join(dir, 'run-conversation');
      const r = await runCli(
        ['eval', '--suite', 'docvqa', '--data', 'sample', '--limit', '3', '--conversation', '--backend', 'transformers', '--model', model, '--device', 'cpu', '--dtype', 'fp32', '--python', PYTHON, '--out', out],
        { env: ENV },
      );
      expect(r.code, r.stderr).toBe(0);
      const s = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).suites[0];
      expect(s.counts).toMatchObject({ total: 3, scored: 3, errored: 0 });
      expect(s.conversation?.turns.map((t) => t.samples)).toEqual([1, 1, 1]);
      // each turn's prompt holds the turns before it, by the worker's own token count
      const tokens = s.perf.byTurn!.map((t) => t.promptTokensMean!);
      expect(tokens[1]).toBeGreaterThan(tokens[0]);
      expect(tokens[2]).toBeGreaterThan(tokens[1]);
      expect(Object.keys(s.metrics)).toEqual(expect.arrayContaining(['anls_turn_1', 'anls_turn_2', 'anls_turn_3']));
    },
    600_000,
  );

  it(
    "runs Meta's AI2D prompt as a raw Llama 3 prompt (`--prompt-style llama-3.2 --raw-prompt`), the preset's tokens reaching the worker",
    async () => {
      const out = join(dir, 'run-raw');
      const r = await runCli(
        ['eval', '--suite', 'ai2d', '--data', 'sample', '--limit', '2', '--prompt-style', 'llama-3.2', '--raw-prompt', '--backend', 'transformers', '--model', model, '--device', 'cpu', '--dtype', 'fp32', '--python', PYTHON, '--out', out],
        { env: ENV },
      );
      expect(r.code, r.stderr).toBe(0);
      const s = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).suites[0];
      expect(s).toMatchObject({ promptStyle: 'llama-3.2', counts: { total: 2, scored: 2, errored: 0 } });
      // a random model rambles to the limit: 400 new tokens, Meta's AI2D setting
      expect(s.perf.totalOutputTokens).toBeLessThanOrEqual(800);
      expect(s.metrics.no_final_answer).toBeDefined();
    },
    600_000,
  );
});
