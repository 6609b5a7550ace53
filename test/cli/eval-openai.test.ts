// `npm run eval` against a scripted OpenAI-compatible server: perf figures match the script, the
// server block is filled from /metrics, faults end with every sample present exactly once, and a
// run killed with SIGKILL resumes without redoing or losing samples.

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resultsSchema, type Results } from '../../src/report/schema.ts';
import type { SampleResult } from '../../src/types.ts';
import { startOpenAiServer, type ScriptedServer, type StreamScript } from '../helpers/openai-server.ts';
import { runCli, startCli } from '../helpers/run-cli.ts';

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const CHARTQA_ROWS = 16;
const env = { PATH: '/usr/bin:/bin', OPENAI_API_KEY: 'sk-test-secret-value' };

function readRun(dir: string): { results: Results; samples: SampleResult[] } {
  const results = resultsSchema.parse(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')));
  const samples = readFileSync(join(dir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
  return { results, samples };
}

function evalArgs(out: string, extra: string[] = []): string[] {
  return ['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server!.baseUrl, '--out', out, ...extra];
}

describe('eval --backend openai', () => {
  it('reports TTFT and TPOT that match the scripted timing, and the server block from /metrics', async () => {
    server = await startOpenAiServer({ script: { firstChunkMs: 150, intervalMs: 40, chunks: 6, promptTokens: 50 }, metrics: { kvUsage: [0.1, 0.35, 0.2] } });
    const out = join(mkdtempSync(join(tmpdir(), 'eval-openai-')), 'run');
    const r = await runCli(evalArgs(out, ['--concurrency', '2']), { env });
    expect(r.code, r.stderr).toBe(0);
    const { results, samples } = readRun(out);
    const perf = results.suites[0].perf;
    expect(results.suites[0].counts).toMatchObject({ total: CHARTQA_ROWS, scored: CHARTQA_ROWS, errored: 0 });
    // load only adds delay, so the fastest request is the closest to the script; medians for TPOT
    expect(perf.ttftMs!.p50).toBeGreaterThanOrEqual(150 * 0.95);
    expect(perf.ttftMs!.p50).toBeLessThanOrEqual(150 * 1.05 + 15);
    expect(Math.abs(perf.tpotMs!.p50 - 40) / 40).toBeLessThanOrEqual(0.05);
    expect(perf.tokenSource).toBe('server');
    expect(perf.totalOutputTokens).toBe(6 * CHARTQA_ROWS);
    expect(samples[0].timing!.chunkMs).toHaveLength(6);
    expect(results.server).not.toBeNull();
    expect(results.server!.kvCacheUsagePeak).toBeGreaterThan(0);
    expect(results.model.backend).toBe('openai');
    // the API key never reaches any file of the run
    for (const f of ['results.json', 'samples.jsonl', 'config.json', 'report.md', 'summary.csv']) {
      expect(readFileSync(join(out, f), 'utf8')).not.toContain('sk-test-secret-value');
    }
  });

  it('faults (429s, 500s, a stall, a reset) end with every sample once, scored or errored with the right kind', async () => {
    // call order is not fixed under concurrency, so the script keys on the question text
    server = await startOpenAiServer({
      script: (body): StreamScript => {
        const text = JSON.stringify(body.messages);
        if (text.includes('tallest')) return { fault: { type: 'stall' } };
        if (text.includes('lowest')) return { fault: { type: 'status', status: 500 } };
        return { firstChunkMs: 5, intervalMs: 1, chunks: 2 };
      },
    });
    const out = join(mkdtempSync(join(tmpdir(), 'eval-faults-')), 'run');
    const r = await runCli(evalArgs(out, ['--concurrency', '4', '--request-timeout', '1', '--max-retries', '1']), { env });
    expect(r.code, r.stderr).toBe(0);
    const { results, samples } = readRun(out);
    const ids = samples.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(CHARTQA_ROWS);
    const kinds = samples.filter((s) => s.state === 'errored').map((s) => (s.state === 'errored' ? s.error.kind : ''));
    expect(kinds).toContain('timeout');
    expect(kinds).toContain('backend');
    expect(results.suites[0].counts.scored + results.suites[0].counts.errored).toBe(CHARTQA_ROWS);
  });

  it('retries 429 and connection resets, then scores', async () => {
    // the first sample asked (by its messages), whatever order the requests of several samples come in
    let first: string | null = null;
    let calls = 0;
    server = await startOpenAiServer({
      script: (body) => {
        const key = JSON.stringify((body as { messages?: unknown }).messages);
        first ??= key;
        if (key !== first) return { firstChunkMs: 1, intervalMs: 1, chunks: 2 };
        calls++;
        if (calls === 1) return { fault: { type: 'status', status: 429, headers: { 'retry-after': '0' } } };
        if (calls === 2) return { fault: { type: 'reset', afterChunks: 1 } };
        return { firstChunkMs: 1, intervalMs: 1, chunks: 2 };
      },
    });
    const out = join(mkdtempSync(join(tmpdir(), 'eval-retry-')), 'run');
    const r = await runCli(evalArgs(out, ['--limit', '3', '--max-retries', '3']), { env });
    expect(r.code, r.stderr).toBe(0);
    const { results, samples } = readRun(out);
    expect(results.suites[0].counts).toMatchObject({ total: 3, scored: 3, errored: 0 });
    expect(samples.map((x) => x.attempts).sort()).toEqual([1, 1, 3]);
  });

  it('a run killed with SIGKILL midway resumes with every sample exactly once', async () => {
    server = await startOpenAiServer({ script: { firstChunkMs: 250, intervalMs: 5, chunks: 2 } });
    const out = join(mkdtempSync(join(tmpdir(), 'eval-kill-')), 'run');
    const { child, done } = startCli(evalArgs(out, ['--concurrency', '2']), { env });
    const journal = join(out, 'samples.jsonl');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (existsSync(journal) && readFileSync(journal, 'utf8').split('\n').filter(Boolean).length >= 4) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const before = readFileSync(journal, 'utf8').split('\n').filter(Boolean).length;
    expect(before).toBeGreaterThanOrEqual(4);
    expect(before).toBeLessThan(CHARTQA_ROWS);
    const requestsBefore = server.chatBodies().length;
    const resumed = await runCli(['eval', '--resume', out], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming: \d+ sample/);
    const { results, samples } = readRun(out);
    const ids = samples.map((s) => s.id);
    expect(new Set(ids).size).toBe(CHARTQA_ROWS);
    expect(ids).toHaveLength(CHARTQA_ROWS);
    expect(results.suites[0].counts).toMatchObject({ total: CHARTQA_ROWS, scored: CHARTQA_ROWS });
    // the killed invocation's samples keep counting: perf covers every timed sample of both
    expect(results.suites[0].perf.timedSamples).toBe(CHARTQA_ROWS);
    expect(results.suites[0].perf.invocations).toBe(2);
    // finished samples were not sent again
    expect(server.chatBodies().length - requestsBefore).toBeLessThanOrEqual(CHARTQA_ROWS - before + 2);
  });

  it('Ctrl-C stops cleanly: finished samples kept, exit 130, and the resume command printed', async () => {
    server = await startOpenAiServer({ script: { firstChunkMs: 200, intervalMs: 5, chunks: 2 } });
    const out = join(mkdtempSync(join(tmpdir(), 'eval-sigint-')), 'run');
    const { child, done } = startCli(evalArgs(out, ['--concurrency', '2']), { env });
    const journal = join(out, 'samples.jsonl');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(existsSync(journal) && readFileSync(journal, 'utf8').split('\n').filter(Boolean).length >= 2)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain(`npx vlm-harness eval --resume ${out}`);
    const { results, samples } = readRun(out);
    expect(results.completed).toBe(false);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(samples.length).toBeLessThan(CHARTQA_ROWS);
    expect(samples.every((s) => s.state === 'scored')).toBe(true); // in-flight requests were not turned into errors
  });
});
