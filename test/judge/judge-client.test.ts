// The judge client against a scripted OpenAI-compatible server on loopback: what it sends, what
// the cache keeps and answers, retries, timeouts, and that the key stays out of every file.

import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { createJudge, JudgeError, type JudgeOptions } from '../../src/judge/judge-client.ts';
import { openJudgeCache } from '../../src/judge/judge-cache.ts';
import { startOpenAiServer, type ScriptedServer, type StreamScript } from '../helpers/openai-server.ts';

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const noSleep = async () => {};
const request = { prompt: 'Extract the answer.\n\nModel response: It is 14.\n\nExtracted answer: ', maxTokens: 1024 };

function judgeFor(runDir: string, over: Partial<JudgeOptions> = {}) {
  return createJudge({
    baseUrl: server!.baseUrl,
    model: 'judge-a',
    concurrency: 2,
    timeoutMs: 5000,
    maxRetries: 2,
    cache: openJudgeCache({ runDir }),
    sleep: noSleep,
    ...over,
  });
}

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('the judge client', () => {
  it('sends one user message at temperature 0, and answers the same request from the cache afterwards', async () => {
    server = await startOpenAiServer({ script: { text: ' 14\n', promptTokens: 300 } });
    const runDir = mkdtempSync(join(tmpdir(), 'judge-'));
    const signal = new AbortController().signal;
    const first = await judgeFor(runDir).grade(request, signal);
    expect(first).toMatchObject({ reply: ' 14\n', cached: false, calls: 1, promptTokens: 300, outputTokens: 1 });
    expect(first.latencyMs).toBeGreaterThanOrEqual(0);
    const [body] = server.chatBodies();
    expect(body).toMatchObject({ model: 'judge-a', temperature: 0, max_completion_tokens: 1024, messages: [{ role: 'user', content: [{ type: 'text', text: request.prompt }] }] });

    // a new client on the same run directory: no request at all
    const again = await judgeFor(runDir).grade(request, signal);
    expect(again).toMatchObject({ reply: ' 14\n', cached: true, calls: 0 });
    expect(server.chatBodies()).toHaveLength(1);
    const [entry] = allFiles(join(runDir, 'judge-cache'));
    expect(JSON.parse(readFileSync(entry, 'utf8'))).toMatchObject({ model: 'judge-a', sampling: { temperature: 0, maxTokens: 1024 }, prompt: request.prompt, reply: ' 14\n' });
  });

  it('keys the cache by model and sampling settings: another model or max_tokens asks again', async () => {
    server = await startOpenAiServer({ script: { text: '14' } });
    const runDir = mkdtempSync(join(tmpdir(), 'judge-'));
    const signal = new AbortController().signal;
    await judgeFor(runDir).grade(request, signal);
    expect((await judgeFor(runDir, { model: 'judge-b' }).grade(request, signal)).cached).toBe(false);
    expect((await judgeFor(runDir).grade({ ...request, maxTokens: 256 }, signal)).cached).toBe(false);
    expect((await judgeFor(runDir).grade({ ...request, prompt: `${request.prompt} ` }, signal)).cached).toBe(false);
    expect(server.chatBodies()).toHaveLength(4);
  });

  it('a shared cache folder answers another run, and that run keeps its own copy', async () => {
    server = await startOpenAiServer({ script: { text: '14' } });
    const shared = mkdtempSync(join(tmpdir(), 'judge-shared-'));
    const runA = mkdtempSync(join(tmpdir(), 'judge-a-'));
    const runB = mkdtempSync(join(tmpdir(), 'judge-b-'));
    const signal = new AbortController().signal;
    await judgeFor(runA, { cache: openJudgeCache({ runDir: runA, sharedDir: shared }) }).grade(request, signal);
    const b = await judgeFor(runB, { cache: openJudgeCache({ runDir: runB, sharedDir: shared }) }).grade(request, signal);
    expect(b.cached).toBe(true);
    expect(server.chatBodies()).toHaveLength(1);
    expect(allFiles(join(runB, 'judge-cache'))).toHaveLength(1);
  });

  it('retries 5xx answers and counts every call', async () => {
    server = await startOpenAiServer({ script: [{ fault: { type: 'status', status: 503 } }, { fault: { type: 'status', status: 500 } }, { text: 'B' }] });
    const a = await judgeFor(mkdtempSync(join(tmpdir(), 'judge-'))).grade(request, new AbortController().signal);
    expect(a).toMatchObject({ reply: 'B', calls: 3 });
  });

  it('gives up after the retries with a JudgeError naming the judge; a timeout is retried too', async () => {
    server = await startOpenAiServer({ script: (): StreamScript => ({ fault: { type: 'stall' } }) });
    const judge = judgeFor(mkdtempSync(join(tmpdir(), 'judge-')), { timeoutMs: 200, maxRetries: 1 });
    const e = await judge.grade(request, new AbortController().signal).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(JudgeError);
    expect((e as JudgeError).message).toMatch(/^judge judge-a at http:\/\/127\.0\.0\.1:\d+\/v1: no reply within 0\.2 s \(gave up after 2 attempts\)$/);
    expect((e as JudgeError).calls).toBe(2);
    expect(server.chatBodies()).toHaveLength(2);
  });

  it('a 400 is final: no retry', async () => {
    server = await startOpenAiServer({ script: { fault: { type: 'status', status: 400, body: { error: { message: 'bad prompt' } } } } });
    const e = await judgeFor(mkdtempSync(join(tmpdir(), 'judge-'))).grade(request, new AbortController().signal).catch((x: unknown) => x);
    expect((e as JudgeError).message).toMatch(/HTTP 400.*bad prompt/);
    expect(server.chatBodies()).toHaveLength(1);
  });

  it('sends the API key only in the Authorization header and never writes it', async () => {
    server = await startOpenAiServer({ script: { text: '14' }, requireKey: 'sk-judge-secret' });
    const runDir = mkdtempSync(join(tmpdir(), 'judge-'));
    const judge = judgeFor(runDir, { apiKey: 'sk-judge-secret', baseUrl: `${server.baseUrl}/` });
    expect(await judge.identity()).toEqual({ model: 'judge-a', baseUrl: server.baseUrl });
    await judge.grade(request, new AbortController().signal);
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer sk-judge-secret');
    for (const f of allFiles(runDir)) expect(readFileSync(f, 'utf8')).not.toContain('sk-judge-secret');

    const wrong = judgeFor(mkdtempSync(join(tmpdir(), 'judge-')), { apiKey: 'sk-wrong-key' });
    const e = await wrong.grade(request, new AbortController().signal).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/HTTP 401/);
    expect((e as Error).message).not.toContain('sk-wrong-key');
  });

  it('asks GET /models for the model when none is named, and says which flags to fix when it cannot', async () => {
    server = await startOpenAiServer({ script: { text: '14' }, models: ['served-judge'] });
    const judge = judgeFor(mkdtempSync(join(tmpdir(), 'judge-')), { model: undefined });
    expect((await judge.identity()).model).toBe('served-judge');
    const down = judgeFor(mkdtempSync(join(tmpdir(), 'judge-')), { model: undefined, baseUrl: 'http://127.0.0.1:1/v1' });
    const e = await down.identity().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toMatch(/^The judge: Cannot reach the server at http:\/\/127\.0\.0\.1:1\/v1\/models .*--judge-base-url end in \/v1\? Or pass --judge-model\.$/);
  });
});
