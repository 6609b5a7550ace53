// runSuite's first wave: with --concurrency N, the first N requests are prepared (images validated,
// requests built) before any is sent, so they go out together, as a benchmark client that builds its
// requests before its dispatch loop sends them; later ones follow as slots free. No wall clock: the
// order of preparation and sending is what is checked.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveLocalDataset, suiteOptions } from '../../src/data/dataset.ts';
import { openJournal } from '../../src/run/journal.ts';
import { aheadOfNeed, runSuite } from '../../src/run/run-suite.ts';
import type { Backend, Sample, StyledSuite } from '../../src/types.ts';
import { getStyledSuite } from '../../suites/index.ts';

/** Runs VQAv2's bundled sample through a backend, journaled in a fresh folder. */
async function runStub(o: { suite: StyledSuite; backend: Backend; concurrency: number; limit: number; requestRate?: number }) {
  const datasets = await Promise.all(o.suite.datasets(suiteOptions({})).map((spec) => resolveLocalDataset(o.suite, spec, 'sample')));
  return runSuite({
    suite: o.suite,
    datasets,
    backend: o.backend,
    journal: openJournal(join(mkdtempSync(join(tmpdir(), 'run-suite-')), 'samples.jsonl')),
    concurrency: o.concurrency,
    timeoutMs: 10_000,
    maxRetries: 0,
    retryErrors: false,
    total: null,
    signal: new AbortController().signal,
    limit: o.limit,
    ...(o.requestRate ? { requestRate: o.requestRate } : {}),
  });
}

/** VQAv2's bundled sample through a stub backend, with every request prepared and every request sent logged in order. */
async function run(o: { concurrency: number; limit: number }) {
  const base = getStyledSuite('vqav2');
  const log: string[] = [];
  // building a sample's request asks the suite for its prompt: that marks the preparation
  const suite: StyledSuite = {
    ...base,
    prompt: (s: Sample) => {
      log.push(`prepare ${s.id}`);
      return base.prompt(s);
    },
  };
  const backend: Backend = {
    id: 'stub',
    maxImages: 1,
    describe: async () => ({ id: 'stub', backend: 'stub', dtype: null }),
    async generate(request) {
      log.push(`send ${request.sampleId}`);
      await new Promise((resolve) => setImmediate(resolve));
      return { text: 'yes', outputTokens: 1, tokenSource: 'none', timing: null };
    },
  };
  const outcome = await runStub({ suite, backend, ...o });
  const prepared = log.filter((l) => l.startsWith('prepare')).map((l) => l.slice(8));
  const sent = log.filter((l) => l.startsWith('send')).map((l) => l.slice(5));
  return { log, outcome, prepared, sent };
}

describe('runSuite: the first wave', () => {
  it('prepares the first --concurrency requests before sending any', async () => {
    const { log, outcome, prepared, sent } = await run({ concurrency: 4, limit: 10 });
    expect(outcome.produced).toBe(10);
    // (a request is prepared once its images are validated, which may finish out of order)
    expect(log.slice(0, 4).every((l) => l.startsWith('prepare'))).toBe(true);
    expect(new Set(sent.slice(0, 4))).toEqual(new Set(prepared.slice(0, 4)));
    // every sample prepared once and sent once
    expect(prepared).toHaveLength(10);
    expect(new Set(sent)).toEqual(new Set(prepared));
    expect(sent).toHaveLength(10);
  });

  it('sends a selection smaller than the first wave once it has all been read', async () => {
    const { log, outcome, prepared, sent } = await run({ concurrency: 32, limit: 3 });
    expect(outcome.produced).toBe(3);
    expect(log.slice(0, 3).every((l) => l.startsWith('prepare'))).toBe(true);
    expect(new Set(sent)).toEqual(new Set(prepared));
    expect(sent).toHaveLength(3);
  });
});

describe('runSuite: requests ahead of need for client workers that enforce --concurrency', () => {
  /** Samples in generate() at once, and what the client was told, with a client that can limit itself. */
  async function inFlight(o: { concurrency: number; limit: number; requestRate?: number; cap: number }) {
    const base = getStyledSuite('vqav2');
    const limits: number[] = [];
    let active = 0;
    let started = 0;
    let most = 0;
    const backend: Backend = {
      id: 'stub',
      maxImages: 1,
      describe: async () => ({ id: 'stub', backend: 'stub', dtype: null }),
      client: { workers: 1, resetLoopDelay: async () => {}, loopDelay: async () => [], limitInFlight: (n) => limits.push(n) },
      async generate() {
        started++;
        most = Math.max(most, ++active);
        // held until as many as the caller may have at once are in (or the selection is all sent)
        while (active < o.cap && started < o.limit) await new Promise((resolve) => setImmediate(resolve));
        active--;
        return { text: 'yes', outputTokens: 1, tokenSource: 'none', timing: null };
      },
    };
    const outcome = await runStub({ suite: base, backend, ...o });
    return { produced: outcome.produced, limits, most };
  }

  it('hands the client a quarter of --concurrency more, and tells it to hold --concurrency', async () => {
    const r = await inFlight({ concurrency: 8, limit: 16, cap: 8 + aheadOfNeed(8) });
    expect(aheadOfNeed(8)).toBe(2);
    expect(r).toEqual({ produced: 16, limits: [8], most: 10 });
  });

  it('sends nothing ahead with --request-rate: a request goes out at its time, the limit stays here', async () => {
    const r = await inFlight({ concurrency: 8, limit: 16, requestRate: 1e6, cap: 8 });
    expect(r).toEqual({ produced: 16, limits: [0], most: 8 });
  });
});
