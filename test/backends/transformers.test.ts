// The transformers backend's process handling against a scripted stand-in worker
// (test/helpers/fake-worker.mjs): no Python, torch or GPU needed, so this always runs in CI.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendError } from '../../src/backends/backend-error.ts';
import { createTransformersBackend, type TransformersBackend, type TransformersBackendOptions } from '../../src/backends/transformers.ts';
import { toGeneration, toGenerateMessage } from '../../src/backends/transformers-protocol.ts';
import { UserError } from '../../src/errors.ts';
import { runSample } from '../../src/run/run-sample.ts';
import type { Request } from '../../src/types.ts';
import { fakeSample, fakeSuite } from '../helpers/fake-suite.ts';

const FAKE = fileURLToPath(new URL('../helpers/fake-worker.mjs', import.meta.url));
const MODEL = 'meta-llama/Llama-3.2-11B-Vision-Instruct';
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5]);

interface FakeEvent {
  pid: number;
  event: 'start' | 'request' | 'shutdown';
  argv?: string[];
  n?: number;
  id?: string;
  overlap?: boolean;
  msg?: Record<string, unknown>;
  images?: Array<{ path: string; bytes: number }>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function fakeDir() {
  const dir = await mkdtemp(join(tmpdir(), 'vlm-fake-worker-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const logFile = join(dir, 'events.jsonl');
  const events = async (): Promise<FakeEvent[]> =>
    (await readFile(logFile, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as FakeEvent);
  return { dir, logFile, events };
}

function options(dir: string, logFile: string, env: Record<string, string> = {}, extra: Partial<TransformersBackendOptions> = {}): TransformersBackendOptions {
  return { model: MODEL, python: process.execPath, workerPath: FAKE, tmpDir: dir, env: { ...process.env, FAKE_WORKER_LOG: logFile, ...env }, ...extra };
}

async function start(env: Record<string, string> = {}, extra: Partial<TransformersBackendOptions> = {}) {
  const f = await fakeDir();
  const backend = await createTransformersBackend(options(f.dir, f.logFile, env, extra));
  cleanups.unshift(() => backend.close!());
  return { backend, ...f };
}

function request(text: string, sampleId = text, withImage = true): Request {
  return {
    sampleId,
    messages: [{ role: 'user', content: [...(withImage ? [{ type: 'image' as const, image: { bytes: PNG, mime: 'image/png' as const, width: 2, height: 2 } }] : []), { type: 'text', text }] }],
    maxTokens: 16,
    temperature: 0,
  };
}

const never = () => new AbortController().signal;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('transformers backend: protocol', () => {
  it('starts the worker with an argument array, reports its device, and round-trips a request', async () => {
    const { backend, events } = await start();
    expect(backend.id).toBe('transformers');
    expect(backend.maxImages).toBe(1);
    expect(await backend.describe()).toEqual({ id: MODEL, backend: 'transformers', dtype: 'bf16' });
    expect(backend.deviceInfo()).toEqual({ deviceName: 'AMD Instinct MI300X', hip: '6.2.41133', cuda: null, torch: '2.5.1+rocm6.2', transformers: '4.46.3' });

    const gen = await backend.generate(request('What is the value of the red bar?'), never());
    expect(gen.text).toBe('echo: What is the value of the red bar?');
    expect(gen.outputTokens).toBe(3);
    expect(gen.promptTokens).toBe(10 + 'What is the value of the red bar?'.length);
    expect(gen.tokenSource).toBe('tokenizer');

    const [started, req] = await events();
    expect(started.argv).toEqual(['--model', MODEL, '--dtype', 'bf16', '--device', 'cuda:0']);
    expect(req.msg).toMatchObject({
      type: 'generate',
      messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is the value of the red bar?' }] }],
      max_new_tokens: 16,
      temperature: 0,
    });
    expect(req.msg).not.toHaveProperty('raw_prompt');
    // The image reached the worker as a file with the request's bytes, and was deleted afterwards.
    expect(req.images).toHaveLength(1);
    expect(req.images![0].bytes).toBe(PNG.length);
    expect(req.images![0].path).toMatch(/\.png$/);
    await expect(readFile(req.images![0].path)).rejects.toThrow();
  });

  it('passes dtype, device, multi-turn messages and a raw prompt through', async () => {
    const { backend, events } = await start({}, { dtype: 'fp32', device: 'cpu' });
    const multiTurn: Request = {
      sampleId: 'm',
      messages: [
        { role: 'user', content: [{ type: 'image', image: { bytes: PNG, mime: 'image/jpeg', width: 2, height: 2 } }, { type: 'text', text: 'What is shown?' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'A chart.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Which bar is highest?' }] },
      ],
      maxTokens: 4,
      temperature: 0,
    };
    expect((await backend.generate(multiTurn, never())).text).toBe('echo: Which bar is highest?');
    const raw = { ...request('ignored'), rawPrompt: '<|image|><|begin_of_text|>If I had to write a haiku for this one' };
    await backend.generate(raw, never());
    const [started, first, second] = await events();
    expect(started.argv).toEqual(['--model', MODEL, '--dtype', 'fp32', '--device', 'cpu']);
    expect((first.msg!.messages as unknown[]).length).toBe(3);
    expect(first.images![0].path).toMatch(/\.jpg$/);
    expect(second.msg!.raw_prompt).toBe('<|image|><|begin_of_text|>If I had to write a haiku for this one');
    expect(second.images).toHaveLength(1);
  });

  it('maps the worker clock onto ours from the send time', () => {
    const gen = toGeneration(
      {
        type: 'result',
        id: '1',
        text: 'x',
        prompt_tokens: 5,
        output_tokens: 3,
        timing: { start: 100, first_token: 100.25, token_times: [100.25, 100.3, 100.35], end: 100.35 },
        max_memory_allocated: null,
        max_memory_reserved: null,
      },
      2000,
    );
    expect(gen.timing!.startMs).toBe(2000);
    expect(gen.timing!.firstTokenMs).toBeCloseTo(2250, 6);
    expect(gen.timing!.chunkMs.map((t) => Math.round(t))).toEqual([2250, 2300, 2350]);
    expect(gen.timing!.endMs).toBeCloseTo(2350, 6);
  });

  it('times a live request in performance.now() milliseconds', async () => {
    const { backend } = await start({ FAKE_WORKER_GEN_MS: '30' });
    const before = performance.now();
    const gen = await backend.generate(request('timing'), never());
    const after = performance.now();
    const t = gen.timing!;
    expect(t.startMs).toBeGreaterThanOrEqual(before);
    expect(t.firstTokenMs!).toBeGreaterThan(t.startMs);
    expect(t.chunkMs).toHaveLength(gen.outputTokens);
    expect(t.endMs).toBe(t.chunkMs.at(-1));
    expect(t.endMs).toBeLessThanOrEqual(after + 1);
  });

  it('leaves raw_prompt out of the wire message unless the request has one', () => {
    expect(toGenerateMessage(request('q'), '7', ['/tmp/a.png'])).toEqual({
      type: 'generate',
      id: '7',
      messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'q' }] }],
      images: ['/tmp/a.png'],
      max_new_tokens: 16,
      temperature: 0,
    });
  });

  it('sends one request at a time when called concurrently, each answered with its own result', async () => {
    const { backend, events } = await start({ FAKE_WORKER_GEN_MS: '40' });
    const texts = ['one', 'two', 'three', 'four'];
    const gens = await Promise.all(texts.map((t) => backend.generate(request(t), never())));
    expect(gens.map((g) => g.text)).toEqual(texts.map((t) => `echo: ${t}`));
    const reqs = (await events()).filter((e) => e.event === 'request');
    expect(reqs).toHaveLength(4);
    expect(reqs.some((r) => r.overlap)).toBe(false);
    // Queueing is not latency: each request's clock starts when it is sent, after the one before ended.
    for (let i = 1; i < gens.length; i++) expect(gens[i].timing!.startMs).toBeGreaterThanOrEqual(gens[i - 1].timing!.endMs);
  });

  it('records the peak torch.cuda memory over the run', async () => {
    const { backend } = await start({ FAKE_WORKER_MEMORY: String(512 * 1024 * 1024) });
    expect(backend.memory()).toBeNull();
    await backend.generate(request('a'), never());
    await backend.generate(request('b'), never());
    expect(backend.memory()).toEqual({ maxMemoryAllocatedMiB: 1024, maxMemoryReservedMiB: 2048 });
  });

  it('keeps memory() null off the GPU', async () => {
    const { backend } = await start();
    await backend.generate(request('a'), never());
    expect(backend.memory()).toBeNull();
  });
});

describe('transformers backend: start-up failures', () => {
  it('checks dtype, device and model before starting anything', async () => {
    const f = await fakeDir();
    await expect(createTransformersBackend(options(f.dir, f.logFile, {}, { dtype: 'q8' }))).rejects.toThrow(/Unknown --dtype 'q8'.*bf16, fp16, fp32/);
    await expect(createTransformersBackend(options(f.dir, f.logFile, {}, { device: 'gpu' }))).rejects.toThrow(/Unknown --device 'gpu'/);
    await expect(createTransformersBackend(options(f.dir, f.logFile, {}, { model: '' }))).rejects.toThrow(/needs --model/);
    expect(await f.events()).toEqual([]);
  });

  it('stops a worker that does not get ready in time', async () => {
    const f = await fakeDir();
    const started = Date.now();
    const e = await rejection(createTransformersBackend(options(f.dir, f.logFile, { FAKE_WORKER_MODE: 'slow-start' }, { startupTimeoutMs: 400 })));
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/did not finish loading meta-llama\/Llama-3.2-11B-Vision-Instruct within 0.4 s/);
    expect((e as Error).message).toContain('fake worker: loading');
    expect(Date.now() - started).toBeLessThan(5000);
    const [startEvent] = await f.events();
    expect(isAlive(startEvent.pid)).toBe(false);
  });

  it('names what to install when torch or transformers is missing', async () => {
    const f = await fakeDir();
    const e = await rejection(createTransformersBackend(options(f.dir, f.logFile, { FAKE_WORKER_MODE: 'missing-dep' })));
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/could not load .* \(bf16 on cuda:0\): torch is not installed.*pip install torch transformers/);
  });

  it('says how to get access to a gated model', async () => {
    const f = await fakeDir();
    const e = await rejection(createTransformersBackend(options(f.dir, f.logFile, { FAKE_WORKER_MODE: 'gated' })));
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/gated model.*Accept its license on https:\/\/huggingface.co\/meta-llama\/Llama-3.2-11B-Vision-Instruct.*HF_TOKEN/);
  });

  it('reports running out of memory while loading', async () => {
    const f = await fakeDir();
    await expect(createTransformersBackend(options(f.dir, f.logFile, { FAKE_WORKER_MODE: 'oom-load' }))).rejects.toThrow(/out of memory.*smaller model/);
  });

  it('shows the log of a worker that dies before it is ready', async () => {
    const f = await fakeDir();
    const e = await rejection(createTransformersBackend(options(f.dir, f.logFile, { FAKE_WORKER_MODE: 'exit' })));
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/exited with code 1 before it was ready[\s\S]*SyntaxError: fake/);
  });

  it('says when the Python interpreter does not exist', async () => {
    const f = await fakeDir();
    const e = await rejection(createTransformersBackend(options(f.dir, f.logFile, {}, { python: join(f.dir, 'no-such-python') })));
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/Python interpreter '.*no-such-python' was not found.*--python/);
  });
});

describe('transformers backend: failures during a run', () => {
  it('errors a request the worker reports out of memory, and goes on', async () => {
    const { backend, events } = await start();
    const e = await rejection(backend.generate(request('OOM please'), never()));
    expect(e).toBeInstanceOf(BackendError);
    expect(e).toMatchObject({ kind: 'backend', retryable: false });
    expect((e as Error).message).toMatch(/out of GPU memory.*GiB free/);
    expect((await backend.generate(request('fine'), never())).text).toBe('echo: fine');
    expect((await events()).filter((x) => x.event === 'start')).toHaveLength(1);
  });

  it('marks an unreadable input as an input error', async () => {
    const { backend } = await start();
    await expect(backend.generate(request('BADIMAGE'), never())).rejects.toMatchObject({ kind: 'input', retryable: false });
  });

  it('makes a crash mid-request retryable and restarts the worker for the next one', async () => {
    const { backend, events } = await start({ FAKE_WORKER_CRASH_AT: '2' });
    expect((await backend.generate(request('first'), never())).text).toBe('echo: first');
    const e = await rejection(backend.generate(request('second', 'sample-2'), never()));
    expect(e).toBeInstanceOf(BackendError);
    expect(e).toMatchObject({ kind: 'backend', retryable: true });
    expect((e as Error).message).toMatch(/exited with code 139 during sample sample-2; it restarts[\s\S]*Segmentation fault/);
    expect((await backend.generate(request('second again'), never())).text).toBe('echo: second again');
    const starts = (await events()).filter((x) => x.event === 'start');
    expect(starts).toHaveLength(2);
    expect(isAlive(starts[0].pid)).toBe(false);
  });

  it('stops restarting after three crashes in a row', async () => {
    const { backend, events } = await start();
    for (let i = 0; i < 3; i++) await expect(backend.generate(request(`CRASH ${i}`), never())).rejects.toMatchObject({ retryable: true });
    const e = await rejection(backend.generate(request('fine'), never()));
    expect(e).toMatchObject({ kind: 'backend', retryable: false });
    expect((e as Error).message).toMatch(/crashed 3 times in a row/);
    expect((await events()).filter((x) => x.event === 'start')).toHaveLength(3);
  });

  it('kills a hung worker on abort, errors the request as a timeout, and restarts for the next', async () => {
    const { backend, events } = await start();
    const ac = new AbortController();
    const pending = backend.generate(request('HANG forever'), ac.signal);
    setTimeout(() => ac.abort(new Error('timed out after 0.3 s')), 300);
    const e = await rejection(pending);
    expect(e).toBeInstanceOf(BackendError);
    expect(e).toMatchObject({ kind: 'timeout', retryable: false });
    expect((e as Error).message).toMatch(/aborted while running.*timed out after 0.3 s/);
    const next = await backend.generate(request('after the hang'), never());
    expect(next.text).toBe('echo: after the hang');
    const starts = (await events()).filter((x) => x.event === 'start');
    expect(starts).toHaveLength(2);
    expect(isAlive(starts[0].pid)).toBe(false);
  });

  it('lets a queued request give up without disturbing the one running', async () => {
    const { backend, events } = await start({ FAKE_WORKER_GEN_MS: '300' });
    const running = backend.generate(request('running'), never());
    const ac = new AbortController();
    const queued = backend.generate(request('queued'), ac.signal);
    setTimeout(() => ac.abort(new Error('gave up')), 50);
    await expect(queued).rejects.toMatchObject({ kind: 'timeout', message: expect.stringMatching(/while queued/) });
    expect((await running).text).toBe('echo: running');
    expect((await backend.generate(request('later'), never())).text).toBe('echo: later');
    const reqs = (await events()).filter((x) => x.event === 'request').map((x) => (x.msg!.messages as Array<{ content: Array<{ text?: string }> }>)[0].content[1].text);
    expect(reqs).toEqual(['running', 'later']);
  });
});

describe('transformers backend under the runner', () => {
  const run = { suite: fakeSuite, maxRetries: 1, sleep: async () => {}, signal: new AbortController().signal };

  it('retries a sample once after a crash, on the restarted worker, and scores it', async () => {
    const { backend, events } = await start({ FAKE_WORKER_CRASH_AT: '1' });
    const r = await runSample({ ...run, timeoutMs: 10_000, sample: await fakeSample('s1', 'echo: qs1'), backend });
    expect(r).toMatchObject({ state: 'scored', prediction: 'echo: qs1', score: 1, attempts: 2, tokenSource: 'tokenizer' });
    expect((await events()).filter((x) => x.event === 'start')).toHaveLength(2);
  });

  it('errors a sample that runs past the request timeout, and the next sample runs on a new worker', async () => {
    const { backend } = await start();
    const hung = await runSample({ ...run, timeoutMs: 300, sample: { ...(await fakeSample('h', 'x')), question: 'HANG' }, backend });
    expect(hung).toMatchObject({ state: 'errored', error: { kind: 'timeout' } });
    const next = await runSample({ ...run, timeoutMs: 10_000, sample: await fakeSample('n', 'echo: qn'), backend });
    expect(next).toMatchObject({ state: 'scored', score: 1, attempts: 1 });
  });
});

describe('transformers backend: close()', () => {
  it('sends shutdown, waits for the exit and removes its temp folder', async () => {
    const f = await fakeDir();
    const backend: TransformersBackend = await createTransformersBackend(options(f.dir, f.logFile));
    await backend.generate(request('a'), never());
    expect((await readdir(f.dir)).some((n) => n.startsWith('vlm-transformers-'))).toBe(true);
    await backend.close!();
    const evs = await f.events();
    expect(evs.at(-1)!.event).toBe('shutdown');
    expect(isAlive(evs[0].pid)).toBe(false);
    expect((await readdir(f.dir)).some((n) => n.startsWith('vlm-transformers-'))).toBe(false);
    await expect(backend.generate(request('b'), never())).rejects.toThrow(/closed/);
  });

  it('kills a worker that ignores shutdown after the grace period', async () => {
    const f = await fakeDir();
    const backend = await createTransformersBackend(options(f.dir, f.logFile, { FAKE_WORKER_MODE: 'ignore-shutdown' }, { closeGraceMs: 200 }));
    const started = Date.now();
    await backend.close!();
    expect(Date.now() - started).toBeLessThan(3000);
    const evs = await f.events();
    expect(evs.at(-1)!.event).toBe('shutdown');
    expect(isAlive(evs[0].pid)).toBe(false);
  });
});
