// The run directory as users meet it through `npm run eval`: reusing --out for another model is
// refused (exit 2) and says what differs; --resume with a different backend too; a second writer
// is refused while the first runs; a run killed with SIGKILL leaves a stale lock that is taken over.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOpenAiServer, type ScriptedServer } from '../helpers/openai-server.ts';
import { runCli, startCli } from '../helpers/run-cli.ts';

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);

describe('eval: one run per directory', () => {
  it('reusing --out with another model and backend is refused with exit 2, and the run is left as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-run-dir-'));
    const out = join(dir, 'D');
    const env = { HF_ENDPOINT: 'http://127.0.0.1:1', HF_HUB_CACHE: join(dir, 'cache') };
    const first = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--out', out], { env });
    expect(first.code, first.stderr).toBe(0);
    const gold = join(dir, 'gold.jsonl');
    writeFileSync(gold, readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.stringify({ id: JSON.parse(l).id, prediction: 'x' })).join('\n'));
    const saved = ['config.json', 'results.json', 'samples.jsonl'].map((f) => readFileSync(join(out, f), 'utf8'));

    const reuse = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'replay', '--predictions', gold, '--out', out], { env });
    expect(reuse.code).toBe(2);
    expect(reuse.stderr).toMatch(/--out .*D already holds a run with another identity \(backend: onnx in the run, replay now\)/);
    expect(reuse.stderr).not.toMatch(/resuming/);
    noStack(reuse.stderr);

    const resume = await runCli(['eval', '--resume', out, '--backend', 'replay', '--predictions', gold], { env });
    expect(resume.code).toBe(2);
    expect(resume.stderr).toMatch(/--resume .*D: this invocation would change the run's identity \(backend: onnx in the run, replay now\)/);
    expect(['config.json', 'results.json', 'samples.jsonl'].map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(saved);
  });

  it('a second writer into the same --out is refused while the first runs; the first finishes', async () => {
    // slow answers keep the first run going (4 x 1.5 s) while the second one starts
    server = await startOpenAiServer({ script: { firstChunkMs: 1500, intervalMs: 5, chunks: 2 } });
    const out = join(mkdtempSync(join(tmpdir(), 'eval-two-writers-')), 'run');
    const args = ['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server.baseUrl, '--limit', '4', '--out', out];
    const a = startCli(args);
    await waitFor(() => existsSync(join(out, 'run.lock')));
    const b = await runCli(args);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(new RegExp(`is in use by process ${a.child.pid} \\(since .*\\)\\. Wait for it to finish, or use another --out`));
    noStack(b.stderr);
    const done = await a.done;
    expect(done.code, done.stderr).toBe(0);
    expect(lines(join(out, 'samples.jsonl'))).toBe(4);
    expect(existsSync(join(out, 'run.lock'))).toBe(false);
  });

  it('the lock of a run killed with SIGKILL is stale: the resume takes it over and says so', async () => {
    server = await startOpenAiServer({ script: { firstChunkMs: 150, intervalMs: 5, chunks: 2 } });
    const out = join(mkdtempSync(join(tmpdir(), 'eval-stale-lock-')), 'run');
    const a = startCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server.baseUrl, '--limit', '6', '--out', out]);
    await waitFor(() => lines(join(out, 'samples.jsonl')) >= 1);
    a.child.kill('SIGKILL');
    await a.done;
    expect(JSON.parse(readFileSync(join(out, 'run.lock'), 'utf8')).pid).toBe(a.child.pid);
    const r = await runCli(['eval', '--resume', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`took over the lock of process ${a.child.pid}`);
    expect(lines(join(out, 'samples.jsonl'))).toBe(6);
  });
});
