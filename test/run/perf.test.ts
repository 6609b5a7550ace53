// Perf from the journal, grouped by invocation: throughput divides by the sum of the invocations'
// own durations (never the gap between them), percentiles pool every timed sample, an invocation
// that generated nothing does not count, a retried error counts once, loads that differ are flagged.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadSettings } from '../../src/report/schema.ts';
import { openJournal } from '../../src/run/journal.ts';
import { buildPerf } from '../../src/run/perf.ts';
import type { Invocation } from '../../src/run/run-record.ts';
import type { SampleResult } from '../../src/types.ts';

const load = (concurrency: number): LoadSettings => ({ concurrency, requestRate: null, clientWorkers: null, maxTokens: 16, promptStyle: 'lmms-eval' });

function timed(id: string, invocation: string | undefined, startMs: number, ttft: number, e2e: number, tokens: number): SampleResult {
  return {
    suite: 'chartqa', id, state: 'scored', prediction: 'p', extracted: 'p', score: 1,
    timing: { startMs, firstTokenMs: startMs + ttft, chunkMs: [startMs + ttft, startMs + e2e], endMs: startMs + e2e },
    outputTokens: tokens, promptTokens: 10, tokenSource: 'server', images: 1,
    ...(invocation ? { invocation } : {}),
  };
}

function errored(id: string, invocation: string): SampleResult {
  return { suite: 'chartqa', id, state: 'errored', prediction: null, extracted: null, score: null, error: { kind: 'backend', message: 'HTTP 500' }, invocation };
}

function invocation(id: string, durationSec: number | null, concurrency = 1): Invocation {
  return {
    id, startedAt: '', endedAt: null, status: durationSec === null ? 'running' : 'completed', pid: 1, host: 'h',
    suites: durationSec === null ? {} : { chartqa: { durationSec, generated: 0, load: load(concurrency) } },
  };
}

function journal(lines: SampleResult[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'perf-')), 'samples.jsonl');
  writeFileSync(path, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return path;
}

const ids = (...list: string[]) => new Set(list);

/** buildPerf as eval and merge call it: the journal's index says which line is each sample's latest. */
async function perfOf(params: Omit<Parameters<typeof buildPerf>[0], 'isLatest'>) {
  const j = openJournal(params.journalPath);
  try {
    return await buildPerf({ ...params, isLatest: j.isLatest });
  } finally {
    j.close();
  }
}

describe('buildPerf', () => {
  it('sums the invocations’ durations and pools the percentiles', async () => {
    const path = journal([timed('a', 'i1', 0, 100, 1000, 20), timed('b', 'i1', 1000, 200, 2000, 20), timed('c', 'i2', 50_000, 300, 1500, 40), timed('d', 'i2', 51_000, 400, 1500, 40)]);
    const { perf, load: l } = await perfOf({ journalPath: path, suite: 'chartqa', ids: ids('a', 'b', 'c', 'd'), invocations: [invocation('i1', 10), invocation('i2', 5)], currentLoad: load(8) });
    expect(perf.durationSec).toBe(15);
    expect(perf.timedSamples).toBe(4);
    expect(perf.outputTokensPerSec).toBe(120 / 15);
    expect(perf.requestsPerSec).toBe(4 / 15);
    expect(perf.totalTokensPerSec).toBe(160 / 15);
    expect(perf.ttftMs).toMatchObject({ mean: 250, p50: 250 });
    expect(perf.invocations).toBe(2);
    expect(perf.mixedLoad).toBeUndefined();
    expect(l.concurrency).toBe(1);
  });

  it('a resume that generated nothing changes nothing', async () => {
    const lines = [timed('a', 'i1', 0, 100, 1000, 20), timed('b', 'i1', 1000, 200, 2000, 20)];
    const before = await perfOf({ journalPath: journal(lines), suite: 'chartqa', ids: ids('a', 'b'), invocations: [invocation('i1', 4)], currentLoad: load(1) });
    const after = await perfOf({ journalPath: journal(lines), suite: 'chartqa', ids: ids('a', 'b'), invocations: [invocation('i1', 4), invocation('i2', 0.01, 4)], currentLoad: load(4) });
    expect(after).toEqual(before);
  });

  it('an invocation killed before recording its duration gets the span of its own timings', async () => {
    const path = journal([timed('a', 'i1', 100, 10, 500, 5), timed('b', 'i1', 400, 10, 2100, 5), timed('c', 'i2', 7, 10, 993, 5)]);
    const { perf } = await perfOf({ journalPath: path, suite: 'chartqa', ids: ids('a', 'b', 'c'), invocations: [invocation('i1', null), invocation('i2', 1)], currentLoad: load(1) });
    expect(perf.durationSec).toBeCloseTo((2500 - 100) / 1000 + 1, 12);
    expect(perf.timedSamples).toBe(3);
  });

  it('counts a retried error once, leaves out samples outside the selection and other suites', async () => {
    const other = { ...timed('z', 'i1', 0, 1, 2, 999), suite: 'docvqa' } as SampleResult;
    const path = journal([errored('a', 'i1'), timed('b', 'i1', 0, 100, 1000, 10), timed('x', 'i1', 0, 100, 1000, 500), other, timed('a', 'i2', 0, 100, 1000, 10)]);
    const { perf } = await perfOf({ journalPath: path, suite: 'chartqa', ids: ids('a', 'b'), invocations: [invocation('i1', 2), invocation('i2', 1)], currentLoad: load(1) });
    expect(perf.timedSamples).toBe(2);
    expect(perf.totalOutputTokens).toBe(20);
    expect(perf.durationSec).toBe(3);
  });

  it('flags figures that mix load settings and reports the latest load', async () => {
    const path = journal([timed('a', 'i1', 0, 100, 1000, 10), timed('b', 'i2', 0, 100, 1000, 10)]);
    const { perf, load: l } = await perfOf({ journalPath: path, suite: 'chartqa', ids: ids('a', 'b'), invocations: [invocation('i1', 1, 1), invocation('i2', 1, 4)], currentLoad: load(4) });
    expect(perf.mixedLoad).toBe(true);
    expect(l.concurrency).toBe(4);
  });

  it('lines from before invocations were recorded form one group timed by their span', async () => {
    const path = journal([timed('a', undefined, 0, 100, 1000, 10), timed('b', undefined, 500, 100, 3000, 10)]);
    const { perf } = await perfOf({ journalPath: path, suite: 'chartqa', ids: ids('a', 'b'), invocations: [], currentLoad: load(1) });
    expect(perf.durationSec).toBe(3.5);
    expect(perf.invocations).toBe(1);
  });
});
