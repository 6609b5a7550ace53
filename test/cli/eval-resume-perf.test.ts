// Honest resume through `npm run eval`: a resume that generates nothing leaves the perf figures as
// they were (and the gate still checks them); an interrupted run resumed reports every timed sample,
// with throughput over the sum of the invocations' own durations.

import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resultsSchema, type Results } from '../../src/report/schema.ts';
import { readInvocations } from '../../src/run/run-record.ts';
import { startOpenAiServer, type ScriptedServer } from '../helpers/openai-server.ts';
import { runCli, startCli } from '../helpers/run-cli.ts';

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const CHARTQA_ROWS = 16;
const readResults = (dir: string): Results => resultsSchema.parse(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')));

describe('eval --resume: performance figures', () => {
  it('a resume of a completed run keeps every perf figure, and the gate still checks them', async () => {
    server = await startOpenAiServer({ script: { firstChunkMs: 20, intervalMs: 5, chunks: 4 } });
    const root = mkdtempSync(join(tmpdir(), 'resume-perf-'));
    const out = join(root, 'run');
    const first = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server.baseUrl, '--concurrency', '2', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    const before = readResults(out).suites[0];
    expect(before.perf.timedSamples).toBe(CHARTQA_ROWS);
    cpSync(out, join(root, 'baseline'), { recursive: true });

    const again = await runCli(['eval', '--resume', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resuming: 16 sample/);
    const after = readResults(out).suites[0];
    expect(after.perf).toEqual(before.perf);
    expect(after.load).toEqual(before.load);
    expect(readInvocations(out)).toHaveLength(2);

    const gate = await runCli(['gate', '--baseline', join(root, 'baseline'), '--candidate', out]);
    expect(gate.code, gate.stdout).toBe(0);
    const perfRows = gate.stdout.split('\n').filter((l) => /output tokens\/s|TTFT p50|TTFT p99/.test(l));
    expect(perfRows).toHaveLength(3);
    for (const row of perfRows) expect(row).toMatch(/PASS/);
  });

  it('an interrupted run resumed reports all its timed samples over the sum of both invocations’ durations', async () => {
    server = await startOpenAiServer({ script: { firstChunkMs: 150, intervalMs: 5, chunks: 3 } });
    const out = join(mkdtempSync(join(tmpdir(), 'resume-perf-')), 'run');
    const { child, done } = startCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server.baseUrl, '--out', out]);
    const journal = join(out, 'samples.jsonl');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(existsSync(journal) && readFileSync(journal, 'utf8').split('\n').filter(Boolean).length >= 4)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    expect((await done).code).toBe(130);
    const partial = readResults(out).suites[0].perf.timedSamples;
    expect(partial).toBeGreaterThanOrEqual(4);
    expect(partial).toBeLessThan(CHARTQA_ROWS);

    const resumed = await runCli(['eval', '--resume', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const perf = readResults(out).suites[0].perf;
    const invocations = readInvocations(out);
    expect(invocations.map((i) => i.status)).toEqual(['interrupted', 'completed']);
    expect(perf.timedSamples).toBe(CHARTQA_ROWS);
    expect(perf.invocations).toBe(2);
    expect(perf.totalOutputTokens).toBe(3 * CHARTQA_ROWS);
    const sum = invocations.reduce((a, i) => a + i.suites.chartqa.durationSec, 0);
    expect(perf.durationSec).toBeCloseTo(sum, 9);
    expect(perf.outputTokensPerSec).toBeCloseTo((3 * CHARTQA_ROWS) / sum, 9);
    expect(perf.ttftMs!.p50).toBeGreaterThanOrEqual(150 * 0.95);
  });
});
