// Bounded responses through `npm run eval`: a 50 MiB streamed answer errors its sample with the
// reason and the harness stops reading it (what the server managed to send is bounded), instead
// of buffering it, storing it twice and growing to gigabytes. --base-url mistakes are usage errors.

import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resultsSchema } from '../../src/report/schema.ts';
import type { SampleResult } from '../../src/types.ts';
import { startOpenAiServer, type ScriptedServer } from '../helpers/openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const env = { PATH: '/usr/bin:/bin', OPENAI_API_KEY: 'sk-test-secret-value' };
const MiB = 2 ** 20;
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('eval: bounded responses', () => {
  it('a 50 MiB response errors its sample with the reason; the client stops reading it', async () => {
    // the first request streams 50 chunks of 1 MiB; the second is an ordinary answer
    server = await startOpenAiServer({ script: [{ chunks: 50, chunkChars: MiB }, { chunks: 2 }] });
    const out = join(mkdtempSync(join(tmpdir(), 'eval-bounded-')), 'run');
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server.baseUrl, '--limit', '2', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const samples = readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
    const big = samples[0];
    expect(big.state).toBe('errored');
    expect(big.state === 'errored' && big.error.message).toMatch(/exceeded --max-response-bytes 8388608/);
    expect(big.attempts).toBe(1); // a retry would get the same answer
    expect(samples[1].state).toBe('scored');
    // 8 MiB read, plus what the socket buffers held when the client let go; far from the 50 MiB sent
    expect(server.streamedBytes()).toBeLessThan(30 * MiB);
    expect(statSync(join(out, 'samples.jsonl')).size).toBeLessThan(64 * 1024);
    const results = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    expect(results.memory.peakRssMiB).toBeLessThan(1024);
  });

  it('a long answer under the cap is stored once in samples.jsonl', async () => {
    server = await startOpenAiServer({ script: { chunks: 4, chunkChars: 512 * 1024 } });
    const out = join(mkdtempSync(join(tmpdir(), 'eval-bounded-')), 'run');
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server.baseUrl, '--limit', '1', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const [line] = readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(line).prediction).toHaveLength(2 * MiB);
    expect(line.length).toBeLessThan(2 * MiB + 4096); // not 4 MiB: prediction and extracted are one text
  });

  it('--max-response-bytes sets the cap', async () => {
    server = await startOpenAiServer({ script: { chunks: 20, chunkChars: 10_000 } });
    const out = join(mkdtempSync(join(tmpdir(), 'eval-bounded-')), 'run');
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server.baseUrl, '--limit', '1', '--max-response-bytes', '50000', '--out', out], { env });
    const samples = readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
    expect(samples[0].state === 'errored' && samples[0].error.message, r.stderr).toMatch(/exceeded --max-response-bytes 50000/);
  });
});

describe('eval: --base-url mistakes', () => {
  it('a base URL that is not a URL is a usage error (exit 2), before anything is written', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eval-url-')), 'run');
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', 'notaurl', '--out', out], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--base-url 'notaurl' is not a URL/);
    noStack(r.stderr);
  });

  it('credentials in the base URL are refused (exit 2) and never printed or saved', async () => {
    server = await startOpenAiServer();
    const out = join(mkdtempSync(join(tmpdir(), 'eval-url-')), 'run');
    const url = server.baseUrl.replace('http://', 'http://alice:pw-hunter2@');
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', url, '--out', out], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/contains a user name or password/);
    expect(r.stderr + r.stdout).not.toContain('pw-hunter2');
    expect(existsSync(join(out, 'config.json'))).toBe(false);
    expect(server.chatBodies()).toHaveLength(0);
    noStack(r.stderr);
  });
});
