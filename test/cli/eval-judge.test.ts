// `eval --suite mathvista` with an LLM judge on a scripted loopback server, as a user runs it:
// the prompts the judge receives are the ones the official extract_answer() builds for the same
// problems and responses (test/fixtures/mathvista/sample-judge-cases.json, computed with the
// official code), a re-run asks the judge nothing, judge failures give errored samples that a
// resume judges again, a different judge model makes the gate refuse (exit 2), and without a judge
// the run says its number is rule-based and not comparable.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resultsSchema, type Results } from '../../src/report/schema.ts';
import type { SampleResult } from '../../src/types.ts';
import { CASES, JUDGED, judgeScript } from '../helpers/mathvista-judge.ts';
import { startOpenAiServer, type ScriptedServer } from '../helpers/openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';

const env = { PATH: '/usr/bin:/bin', JUDGE_KEY: 'sk-judge-secret-value' };

let dir: string;
let preds: string;
let server: ScriptedServer | null = null;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eval-judge-'));
  preds = join(dir, 'preds.jsonl');
  writeFileSync(preds, CASES.map((c) => JSON.stringify({ id: c.pid, prediction: c.response })).join('\n') + '\n');
});

afterEach(async () => {
  await server?.close();
  server = null;
});

function args(out: string, extra: string[]): string[] {
  return ['eval', '--suite', 'mathvista', '--data', 'sample', '--backend', 'replay', '--predictions', preds, '--out', out, ...extra];
}

function judgeArgs(model = 'judge-a'): string[] {
  return ['--judge-base-url', server!.baseUrl, '--judge-model', model, '--judge-api-key-env', 'JUDGE_KEY'];
}

function readRun(out: string): { results: Results; samples: SampleResult[] } {
  return {
    results: resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))),
    samples: readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult),
  };
}

function promptsSent(s: ScriptedServer): string[] {
  return s.chatBodies().map((b) => (b.messages as Array<{ content: Array<{ text: string }> }>)[0].content[0].text);
}

describe('eval --suite mathvista with a judge', () => {
  it('sends the official extraction prompts, scores as the official code, and a re-run makes 0 judge calls', async () => {
    server = await startOpenAiServer({ script: judgeScript() });
    const out = join(dir, 'run-a');
    const r = await runCli(args(out, [...judgeArgs(), '--judge-concurrency', '3']), { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/mathvista: answers read by the official rules, then by the judge judge-a at http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(r.stderr).not.toMatch(/not comparable/);

    // exactly the prompts the official code builds, once each, and none for rule-decided answers
    expect(promptsSent(server).sort()).toEqual(JUDGED.map((c) => c.prompt!).sort());
    for (const b of server.chatBodies()) expect(b).toMatchObject({ model: 'judge-a', temperature: 0, max_completion_tokens: 1024 });
    expect(server.requests.every((q) => q.headers.authorization === 'Bearer sk-judge-secret-value')).toBe(true);

    const { results, samples } = readRun(out);
    const s = results.suites[0];
    expect(s.primaryMetric).toBe('accuracy');
    expect(s.metrics.accuracy.value).toBe(CASES.filter((c) => c.true_false).length / CASES.length);
    expect(s.metrics['accuracy/question_type/multi_choice']).toBeDefined();
    expect(s.metrics['accuracy/skills/arithmetic reasoning']).toBeDefined();
    expect(s.metrics['accuracy/task/figure question answering']).toBeDefined();
    expect(s.judge).toEqual({ model: 'judge-a', baseUrl: server.baseUrl, calls: JUDGED.length, cacheHits: 0 });
    expect(s.judgePerf).toMatchObject({ requests: JUDGED.length, errors: 0, promptTokens: 700 * JUDGED.length, outputTokens: JUDGED.length });
    expect(s.judgePerf!.latencyMs!.p50).toBeGreaterThanOrEqual(2);
    // the judge's tokens are not the model's
    expect(s.perf.totalOutputTokens).toBe(0);
    for (const c of CASES) {
      const line = samples.find((x) => x.id === c.pid)!;
      expect(line.state, c.pid).toBe('scored');
      if (line.state !== 'scored') continue;
      expect(line.extracted, c.pid).toBe(c.normalized);
      expect(line.score, c.pid).toBe(c.true_false ? 1 : 0);
      expect(line.extraction, c.pid).toEqual(c.prompt ? { by: 'judge', text: c.judge_reply, cached: false } : { by: 'rule', text: c.extraction });
    }
    for (const f of ['results.json', 'samples.jsonl', 'config.json', 'report.md']) expect(readFileSync(join(out, f), 'utf8')).not.toContain('sk-judge-secret-value');
    expect(r.stdout).toMatch(new RegExp(`mathvista: judge judge-a at .*: ${JUDGED.length} call\\(s\\), 0 from the cache, 0 error\\(s\\)`));
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(new RegExp(`## Judge[\\s\\S]*\\| mathvista \\| judge-a \\| http://127\\.0\\.0\\.1:\\d+/v1 \\| ${JUDGED.length} \\| 0 \\| ${JUDGED.length} \\| 0 \\|`));

    // Re-scoring the finished run: every answer comes from the run's cache, identical results.
    const before = server.chatBodies().length;
    const again = await runCli(['eval', '--resume', out], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(server.chatBodies().length - before).toBe(0);
    const rerun = readRun(out);
    expect(rerun.results.suites[0].judge).toEqual({ model: 'judge-a', baseUrl: server.baseUrl, calls: 0, cacheHits: JUDGED.length });
    expect(rerun.results.suites[0].metrics).toEqual(s.metrics);
  });

  it('a shared --judge-cache lets a new run directory make 0 judge calls', async () => {
    server = await startOpenAiServer({ script: judgeScript() });
    const shared = join(dir, 'shared-cache');
    expect((await runCli(args(join(dir, 'run-s1'), [...judgeArgs(), '--judge-cache', shared]), { env })).code).toBe(0);
    const calls = server.chatBodies().length;
    expect(calls).toBe(JUDGED.length);
    const r = await runCli(args(join(dir, 'run-s2'), [...judgeArgs(), '--judge-cache', shared]), { env });
    expect(r.code, r.stderr).toBe(0);
    expect(server.chatBodies()).toHaveLength(calls);
    expect(readRun(join(dir, 'run-s2')).results.suites[0].judge).toMatchObject({ calls: 0, cacheHits: JUDGED.length });
  });

  it('judge errors and timeouts give errored samples (kind judge), which a resume judges again', async () => {
    const [failing, stalling] = JUDGED;
    server = await startOpenAiServer({
      script: judgeScript((pid) => (pid === failing.pid ? { type: 'status', status: 500 } : pid === stalling.pid ? { type: 'stall' } : undefined)),
    });
    const out = join(dir, 'run-err');
    const r = await runCli(args(out, [...judgeArgs(), '--judge-timeout', '0.5', '--max-retries', '1']), { env });
    expect(r.code, r.stderr).toBe(0);
    const { results, samples } = readRun(out);
    const s = results.suites[0];
    expect(s.counts).toMatchObject({ total: CASES.length, scored: CASES.length - 2, errored: 2, erroredByKind: { backend: 0, timeout: 0, input: 0, judge: 2 } });
    expect(s.judgePerf).toMatchObject({ errors: 2 });
    for (const pid of [failing.pid, stalling.pid]) {
      const line = samples.find((x) => x.id === pid)!;
      expect(line.state).toBe('errored');
      if (line.state !== 'errored') continue;
      expect(line.error.kind).toBe('judge');
      expect(line.prediction).toBe(CASES.find((c) => c.pid === pid)!.response); // the model's answer is kept
    }
    expect(samples.find((x) => x.id === stalling.pid)!.state === 'errored' && JSON.stringify(samples)).toMatch(/no reply within 0\.5 s \(gave up after 2 attempts\)/);
    // the errored ones are not in the accuracy: it is over the scored samples only
    expect(s.metrics.accuracy.value).toBe(1);

    // The judge recovers: a resume judges only the two failed answers, the cache answers the rest.
    await server.close();
    server = await startOpenAiServer({ script: judgeScript() });
    const resumed = await runCli(['eval', '--resume', out, ...judgeArgs()], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(promptsSent(server).sort()).toEqual([failing.prompt!, stalling.prompt!].sort());
    const after = readRun(out).results.suites[0];
    expect(after.counts).toMatchObject({ scored: CASES.length, errored: 0 });
    expect(after.judge).toMatchObject({ calls: 2, cacheHits: JUDGED.length - 2 });
  });

  it('the gate refuses to compare runs read by different judge models (exit 2)', async () => {
    server = await startOpenAiServer({ script: judgeScript() });
    const a = join(dir, 'gate-a');
    const b = join(dir, 'gate-b');
    expect((await runCli(args(a, judgeArgs('judge-a')), { env })).code).toBe(0);
    expect((await runCli(args(b, judgeArgs('judge-b')), { env })).code).toBe(0);
    const g = await runCli(['gate', '--baseline', a, '--candidate', b], { env });
    expect(g.code, g.stdout + g.stderr).toBe(2);
    expect(g.stdout).toMatch(/different judges: baseline judge judge-a, candidate judge judge-b/);
    const same = await runCli(['gate', '--baseline', a, '--candidate', a, '--out', join(dir, 'gate-same')], { env });
    expect(same.code, same.stdout).toBe(0);
  });
});

describe('eval --suite mathvista without a judge', () => {
  it('works offline with the default backend, says it used rule-based extraction and that the number is not comparable', async () => {
    const out = join(dir, 'run-offline');
    // port 1 on loopback refuses connections: no Hub, so the tiny bundled model answers
    const r = await runCli(['eval', '--suite', 'mathvista', '--data', 'sample', '--limit', '4', '--out', out], {
      env: { HF_ENDPOINT: 'http://127.0.0.1:1', HF_HUB_CACHE: join(dir, 'hf-cache') },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/mathvista: answers read by rules only \(no --judge-base-url\): metric accuracy_rule_extract/);
    expect(r.stderr).toMatch(/accuracy_rule_extract is not comparable to official MathVista/);
    expect(r.stdout).toMatch(/mathvista\s+accuracy_rule_extract/);
    const { results } = readRun(out);
    const s = results.suites[0];
    expect(s.primaryMetric).toBe('accuracy_rule_extract');
    expect(s.judge).toBeNull();
    expect(s.judgePerf).toBeNull();
    expect(s.counts.scored).toBe(4);
    expect(Object.keys(s.metrics).every((k) => k.startsWith('accuracy_rule_extract'))).toBe(true);
    expect(results.notices.join('\n')).toMatch(/not comparable/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/not comparable/);
  });

  it('refuses judge options without --judge-base-url, and a URL with credentials', async () => {
    const r = await runCli(args(join(dir, 'bad'), ['--judge-model', 'x']), { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--judge-model needs --judge-base-url/);
    const c = await runCli(args(join(dir, 'bad2'), ['--judge-base-url', 'http://me:secret@127.0.0.1:1/v1']), { env });
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/must not hold credentials/);
    expect(c.stderr).not.toContain('secret@');
  });
});
