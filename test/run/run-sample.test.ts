import { describe, expect, it, vi } from 'vitest';
import { BackendError } from '../../src/backends/backend-error.ts';
import { backoffMs, prepareRequest, RunAborted, runSample } from '../../src/run/run-sample.ts';
import type { Backend, GenerateHooks } from '../../src/types.ts';
import { fakeSample, fakeSuite, scriptedBackend, waitOrAbort } from '../helpers/fake-suite.ts';

const noSleep = async () => {};
const base = { suite: fakeSuite, timeoutMs: 5_000, maxRetries: 2, sleep: noSleep, signal: new AbortController().signal };

describe('runSample', () => {
  it('scores a generation', async () => {
    const backend = scriptedBackend(() => ' 42 ');
    const r = await runSample({ ...base, sample: await fakeSample('1', '42'), backend });
    expect(r).toMatchObject({ state: 'scored', prediction: ' 42 ', score: 1, images: 1, attempts: 1 });
    expect(backend.calls[0].messages[0].content[0]).toMatchObject({ type: 'image', image: { mime: 'image/png', width: 8, height: 6 } });
  });

  it('retries a retryable backend error, then scores', async () => {
    const backend = scriptedBackend((_r, attempt) => {
      if (attempt < 3) throw new BackendError('HTTP 429', { retryable: true, status: 429 });
      return '7';
    });
    const r = await runSample({ ...base, sample: await fakeSample('1', '7'), backend });
    expect(r).toMatchObject({ state: 'scored', score: 1, attempts: 3 });
  });

  it('gives up after max retries and marks the sample errored, not wrong', async () => {
    const backend = scriptedBackend(() => {
      throw new BackendError('HTTP 500', { retryable: true, status: 500 });
    });
    const r = await runSample({ ...base, sample: await fakeSample('1', '7'), backend });
    expect(r).toMatchObject({ state: 'errored', score: null, error: { kind: 'backend' }, attempts: 3 });
    expect(r.state === 'errored' && r.error.message).toMatch(/HTTP 500.*gave up after 3 attempts/);
  });

  it('does not retry a non-retryable error and keeps the server message', async () => {
    const backend = scriptedBackend(() => {
      throw new BackendError('400: too many images', { status: 400 });
    });
    const r = await runSample({ ...base, sample: await fakeSample('1', '7'), backend });
    expect(r).toMatchObject({ state: 'errored', error: { kind: 'backend', message: '400: too many images' }, attempts: 1 });
  });

  it('marks a request that outlives the timeout as errored with kind timeout', async () => {
    const backend = scriptedBackend(async (_r, _a, signal) => {
      await waitOrAbort(10_000, signal);
      return 'late';
    });
    const r = await runSample({ ...base, timeoutMs: 50, sample: await fakeSample('1', '7'), backend });
    expect(r).toMatchObject({ state: 'errored', error: { kind: 'timeout' } });
  });

  it('stops the time limit while the request waits in the client for a slot, and starts it when the request goes out', async () => {
    const sample = await fakeSample('1', '7');
    let hooks: GenerateHooks = {};
    let signal = new AbortController().signal;
    let finish: (text: string) => void = () => {};
    const backend: Backend = {
      id: 'queued',
      maxImages: 8,
      describe: async () => ({ id: 'queued', backend: 'queued', dtype: null }),
      generate: (_request, s, h) =>
        new Promise((resolve, reject) => {
          hooks = h ?? {};
          signal = s;
          finish = (text) => resolve({ text, outputTokens: 1, tokenSource: 'estimate', timing: null });
          s.addEventListener('abort', () => reject(s.reason), { once: true });
        }),
    };
    const prepared = await prepareRequest({ suite: fakeSuite, sample, backend });
    const called = () => new Promise((resolve) => setImmediate(resolve)); // setImmediate is not faked
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const answered = runSample({ ...base, timeoutMs: 1000, sample, backend, prepared });
      await called();
      hooks.queued!();
      vi.advanceTimersByTime(5000); // five limits waiting for a slot: not a timeout
      expect(signal.aborted).toBe(false);
      hooks.sent!();
      vi.advanceTimersByTime(900);
      finish('7');
      expect(await answered).toMatchObject({ state: 'scored', score: 1, attempts: 1 });

      const late = runSample({ ...base, timeoutMs: 1000, maxRetries: 0, sample, backend, prepared });
      await called();
      hooks.queued!();
      vi.advanceTimersByTime(5000);
      hooks.sent!();
      vi.advanceTimersByTime(1000); // sent, then no answer within the limit
      expect(await late).toMatchObject({ state: 'errored', error: { kind: 'timeout' } });
    } finally {
      vi.useRealTimers();
    }
  });

  it('marks a corrupt image as an input error without calling the backend', async () => {
    const backend = scriptedBackend(() => 'x');
    const sample = await fakeSample('1', '7');
    sample.images[0] = { bytes: sample.images[0].bytes.subarray(0, 40), path: 'broken.png' };
    const r = await runSample({ ...base, sample, backend });
    expect(r).toMatchObject({ state: 'errored', error: { kind: 'input' } });
    expect(r.state === 'errored' && r.error.message).toMatch(/image 1/);
    expect(backend.calls).toHaveLength(0);
  });

  it('combines images when the backend takes fewer than the sample has, never dropping one', async () => {
    const backend = scriptedBackend(() => '7', { maxImages: 1 });
    const r = await runSample({ ...base, sample: await fakeSample('1', '7', 3), backend });
    expect(r).toMatchObject({ state: 'scored', images: 1 });
    const parts = backend.calls[0].messages[0].content;
    expect(parts.filter((p) => p.type === 'image')).toHaveLength(1);
    const img = parts[0].type === 'image' ? parts[0].image : null;
    expect(img!.width).toBeGreaterThan(3 * 8);
  });

  it('errors clearly when the backend takes no images', async () => {
    const backend = scriptedBackend(() => '7', { maxImages: 0 });
    const r = await runSample({ ...base, sample: await fakeSample('1', '7'), backend });
    expect(r).toMatchObject({ state: 'errored', error: { kind: 'input' } });
    expect(r.state === 'errored' && r.error.message).toMatch(/accepts none/);
  });

  it('leaves the sample unfinished when the run is aborted', async () => {
    const controller = new AbortController();
    const backend = scriptedBackend(async (_r, _a, signal) => {
      setTimeout(() => controller.abort(), 5);
      await waitOrAbort(10_000, signal);
      return 'never';
    });
    await expect(runSample({ ...base, signal: controller.signal, sample: await fakeSample('1', '7'), backend })).rejects.toBeInstanceOf(RunAborted);
  });
});

describe('backoffMs', () => {
  it('honours Retry-After and otherwise grows exponentially with jitter', () => {
    expect(backoffMs(0, 1200, () => 0.5)).toBe(1200);
    expect(backoffMs(0, undefined, () => 0)).toBe(250);
    expect(backoffMs(3, undefined, () => 1)).toBe(4000);
    expect(backoffMs(20, undefined, () => 1)).toBe(30_000);
  });
});
