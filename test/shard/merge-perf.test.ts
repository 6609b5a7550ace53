// Honest perf of a merged run: three shards served by one loopback server at the same time. Latency
// percentiles come from the union of every request's timings (not an average of the shards'
// percentiles), throughput divides the total tokens by the union of the shards' generation
// intervals on the wall clock (not their sum), and each shard's own figures are kept.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unionSeconds } from '../../src/run/active-time.ts';
import { readInvocations } from '../../src/run/run-record.ts';
import { summarize } from '../../src/run/stats.ts';
import type { GenerationTiming } from '../../src/types.ts';
import { startOpenAiServer, type ScriptedServer } from '../helpers/openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { readResults } from '../helpers/shard-runs.ts';

let server: ScriptedServer | null = null;
afterAll(async () => server?.close());

const ROWS = 16; // the bundled ChartQA sample

describe('merge: performance figures', () => {
  it('pools every request, divides by the union of the shards’ active intervals, keeps per-shard figures', async () => {
    // a first chunk that comes later for some requests, so the shards' percentiles differ
    server = await startOpenAiServer({ script: (_body, i) => ({ firstChunkMs: 40 + (i % 5) * 30, intervalMs: 5, chunks: 4 }) });
    const root = mkdtempSync(join(tmpdir(), 'merge-perf-'));
    const dirs = [0, 1, 2].map((i) => join(root, `shard-${i}`));
    const runs = await Promise.all(
      dirs.map((out, i) =>
        runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server!.baseUrl, '--concurrency', '2', '--shard', 'auto', '--shards', '3', '--out', out], {
          env: { JOB_COMPLETION_INDEX: String(i) },
        }),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const out = join(root, 'merged');
    const m = await runCli(['merge', ...dirs, '--out', out]);
    expect(m.code, m.stderr).toBe(0);
    const perf = readResults(out).suites[0].perf;

    // every request of every shard, from the shards' own samples.jsonl
    const timings = dirs.flatMap((d) =>
      readFileSync(join(d, 'samples.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { timing: GenerationTiming }).timing),
    );
    expect(timings).toHaveLength(ROWS);
    expect(perf.timedSamples).toBe(ROWS);
    expect(perf.totalOutputTokens).toBe(4 * ROWS);
    expect(perf.ttftMs).toEqual(summarize(timings.map((t) => t.firstTokenMs! - t.startMs)));
    expect(perf.e2eLatencyMs).toEqual(summarize(timings.map((t) => t.endMs - t.startMs)));

    // the duration: the union of the shards' generation intervals as their run.json recorded them
    const intervals = dirs.map((d) => {
      const s = readInvocations(d)[0].suites.chartqa;
      return { startMs: Date.parse(s.startedAt!), durationSec: s.durationSec };
    });
    const sum = intervals.reduce((a, i) => a + i.durationSec, 0);
    expect(perf.durationSec).toBe(unionSeconds(intervals));
    expect(perf.durationSec).toBeLessThanOrEqual(sum + 1e-9);
    expect(perf.durationSec).toBeGreaterThanOrEqual(Math.max(...intervals.map((i) => i.durationSec)) - 1e-9);
    expect(perf.outputTokensPerSec).toBeCloseTo((4 * ROWS) / perf.durationSec, 9);
    expect(perf.invocations).toBe(3);
    // requests per endpoint: the shards' added up
    expect(perf.endpoints).toEqual([{ baseUrl: server.baseUrl, requests: ROWS, errored: 0 }]);

    // each shard's own block, as the shard reported it
    expect(perf.shards?.map((s) => s.shard)).toEqual([0, 1, 2]);
    for (const [i, d] of dirs.entries()) {
      const { shard: _i, ...own } = perf.shards![i];
      expect(own).toEqual(readResults(d).suites[0].perf);
    }
    expect(perf.shards!.reduce((a, s) => a + s.timedSamples, 0)).toBe(ROWS);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/## Shards/);
    expect(report).toMatch(/Merged 3 of 3 shards/);
  });
});
