// Errors where people look: the console summary and report.md list why samples errored, with
// counts (five reasons, then "and N more"); a run whose every sample errored exits 3, and so does one
// over --max-error-rate; the API key never shows.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resultsSchema } from '../../src/report/schema.ts';
import { startOpenAiServer, type ScriptedServer, type StreamScript } from '../helpers/openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const KEY = 'sk-wrong-key-0123456789';

function evalArgs(out: string, extra: string[] = []): string[] {
  return ['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server!.baseUrl, '--model', 'm', '--out', out, ...extra];
}

describe('eval: visible errors', () => {
  it('a server that answers 401 shows its reason on the console and in report.md, and the run exits 3', async () => {
    server = await startOpenAiServer({ requireKey: 'sk-the-right-one' });
    const out = join(mkdtempSync(join(tmpdir(), 'visible-401-')), 'run');
    const r = await runCli(evalArgs(out, ['--limit', '4']), { env: { OPENAI_API_KEY: KEY } });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/chartqa: 4 errored:\n {2}4 × backend: HTTP 401 Unauthorized from http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: Incorrect API key provided: \*\*\*\. The API key was rejected/);
    expect(r.stderr).toMatch(/error: chartqa: every sample errored \(4 of 4\); most often: HTTP 401/);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/Status: completed, but FAILED: every sample of chartqa errored/);
    expect(md).toMatch(/## Errors\n\n\*\*chartqa\*\*: 4 of 4 samples errored \(all of them\):\n\n- 4 × backend: HTTP 401 Unauthorized .*API key was rejected/);
    const results = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    expect(results.suites[0].counts.errorReasons).toEqual([{ kind: 'backend', reason: expect.stringMatching(/^HTTP 401/), count: 4 }]);
    expect(server.chatBodies()).toHaveLength(4); // a rejected key is not retried
    for (const text of [r.stdout, r.stderr, md, JSON.stringify(results)]) expect(text).not.toContain(KEY);
  });

  it('shows the five most frequent reasons, then "and N more"', async () => {
    // every request fails with its own message: sixteen reasons
    server = await startOpenAiServer({ script: (_body, i): StreamScript => ({ fault: { type: 'status', status: 400, body: { error: { message: `bad request number ${i % 8}` } } } }) });
    const out = join(mkdtempSync(join(tmpdir(), 'visible-many-')), 'run');
    const r = await runCli(evalArgs(out));
    expect(r.code).toBe(3);
    const block = r.stdout.slice(r.stdout.indexOf('chartqa: 16 errored:'));
    const listed = block.split('\n').slice(1, 7);
    expect(listed.slice(0, 5).every((l) => /^ {2}2 × backend: HTTP 400 .*: bad request number \d$/.test(l))).toBe(true);
    expect(listed[5]).toBe('  and 3 more reasons (6 samples; see samples.jsonl)');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('- and 3 more reasons (6 samples; see samples.jsonl)');
  });

  it('--max-error-rate fails a run above it (exit 3) and passes one at or below it', async () => {
    const script = (_body: Record<string, unknown>, i: number): StreamScript => (i % 4 === 0 ? { fault: { type: 'status', status: 400 } } : { chunks: 2 });
    server = await startOpenAiServer({ script });
    const strict = await runCli(evalArgs(join(mkdtempSync(join(tmpdir(), 'visible-rate-')), 'run'), ['--max-error-rate', '0.2']));
    expect(strict.code).toBe(3);
    expect(strict.stderr).toMatch(/error: chartqa: 4 of 16 samples errored \(25\.0%\), more than --max-error-rate 0\.2 allows/);
    await server.close();
    server = await startOpenAiServer({ script });
    const lenient = await runCli(evalArgs(join(mkdtempSync(join(tmpdir(), 'visible-rate-')), 'run'), ['--max-error-rate', '0.25']));
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stdout).toMatch(/chartqa: 4 errored:\n {2}4 × backend: HTTP 400/);
    const bad = await runCli(evalArgs(join(tmpdir(), 'never'), ['--max-error-rate', '5']));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected a rate between 0 and 1/);
  });

  it('answers from streams that ended without [DONE] are counted and shown', async () => {
    server = await startOpenAiServer({ script: { chunks: 2, fault: { type: 'no-done' } } });
    const out = join(mkdtempSync(join(tmpdir(), 'visible-done-')), 'run');
    const r = await runCli(evalArgs(out, ['--limit', '3']));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/chartqa: 3 scored answers may be cut short: the stream ended without \[DONE\]/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/3 scored answers may be cut short/);
  });
});
