// `eval --serve "<command>"` end to end with the stand-in server script: the server starts, the run
// waits for it, talks to it, records it in results.json, keeps its log in the run directory, and
// stops it with no process left; one that never becomes healthy fails with exit code 1 and the reason.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resultsSchema } from '../../src/report/schema.ts';
import { sweepSchema } from '../../src/sweep/sweep-schema.ts';
import { alive, freePort, readPids } from '../helpers/processes.ts';
import { runCli } from '../helpers/run-cli.ts';

const STANDIN = fileURLToPath(new URL('../helpers/serve-standin.mjs', import.meta.url));

describe('eval --serve', () => {
  it('starts the server, waits until healthy, runs against it, records it, keeps its log and stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-serve-'));
    const port = await freePort();
    const pids = join(dir, 'pids');
    const out = join(dir, 'run');
    const serve = `VLLM_SERVER_DEV_MODE=1 ${process.execPath} ${STANDIN} --port ${port} --pids ${pids} --ready-after 300 --api-key sk-do-not-log`;
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--limit', '4', '--serve', serve, '--serve-timeout', '60', '--out', out], {
      env: { PATH: '/usr/bin:/bin', OPENAI_API_KEY: 'sk-do-not-log' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/server ready after [\d.]+ s \(pid \d+, version 0\.10\.1\.standin\)/);
    expect(r.stderr).toMatch(/server stopped \(SIGTERM/);
    const results = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    // --serve implies the openai backend at the command's --port
    expect(results.model).toMatchObject({ id: 'standin-model', backend: 'openai' });
    expect(results.suites[0].counts).toMatchObject({ total: 4, scored: 4 });
    expect(results.serve).toMatchObject({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      version: '0.10.1.standin',
      cacheConfig: { num_gpu_blocks: '4096', block_size: '16' },
      log: 'server.log',
    });
    expect(results.serve!.command).toEqual(['VLLM_SERVER_DEV_MODE=1', process.execPath, STANDIN, '--port', String(port), '--pids', pids, '--ready-after', '300', '--api-key', '***']);
    const log = readFileSync(join(out, 'server.log'), 'utf8');
    expect(log.match(/stand-in: chat request/g)).toHaveLength(4);
    expect(log).toContain('stand-in: SIGTERM, shutting down');
    for (const pid of readPids(pids)) expect(alive(pid)).toBe(false);
    for (const f of ['results.json', 'config.json', 'report.md', 'samples.jsonl', 'server.log']) expect(readFileSync(join(out, f), 'utf8')).not.toContain('sk-do-not-log');
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).serve).toContain("--api-key '***'");
  });

  // the server's log folder is the run directory, made by the same check as without --serve
  // (out-dir.ts): a plain recursive mkdir threw ENOTDIR with a stack under a file, and spun at 100%
  // CPU under /proc
  it('--out under a file is refused with the one-line user error, before the server starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-serve-out-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const pids = join(dir, 'pids');
    const serve = `${process.execPath} ${STANDIN} --port ${await freePort()} --pids ${pids}`;
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--limit', '1', '--serve', serve, '--out', join(file, 'run')], { env: { PATH: '/usr/bin:/bin' } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`--out ${join(file, 'run')}: ${file} is a file, so no folder can be made under it.`);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(existsSync(pids)).toBe(false);
  });

  it('a server that never becomes healthy: exit code 1, the reason and the log, no run, no process left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-serve-bad-'));
    const port = await freePort();
    const pids = join(dir, 'pids');
    const out = join(dir, 'run');
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--serve', `${process.execPath} ${STANDIN} --port ${port} --pids ${pids} --never-healthy`, '--serve-timeout', '1', '--out', out], {
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: --serve: the server did not become healthy within 1 s');
    expect(r.stderr).toContain(`--- last lines of ${join(out, 'server.log')} ---`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(out, 'results.json'))).toBe(false);
    for (const pid of readPids(pids)) expect(alive(pid)).toBe(false);
  });

  it('sweep --serve: one server for every point, caches emptied before each, each point keeps its part of the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-serve-'));
    const port = await freePort();
    const pids = join(dir, 'pids');
    const out = join(dir, 'sweep');
    const r = await runCli(['sweep', '--suite', 'chartqa', '--data', 'sample', '--limit', '3', '--concurrency', '1,2', '--serve', `${process.execPath} ${STANDIN} --port ${port} --pids ${pids} --ready-after 0`, '--out', out], {
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(r.code, r.stderr).toBe(0);
    const sweep = sweepSchema.parse(JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')));
    expect(sweep.serve).toMatchObject({ version: '0.10.1.standin', log: 'server.log' });
    expect(sweep.points.map((p) => p.cacheReset)).toEqual([true, true]);
    expect(readFileSync(join(out, 'server.log'), 'utf8').match(/stand-in: chat request/g)).toHaveLength(6);
    for (const [point, reset] of [['c1', 1], ['c2', 2]] as const) {
      const log = readFileSync(join(out, point, 'server.log'), 'utf8');
      expect(log.match(/stand-in: chat request/g)).toHaveLength(3);
      expect(log).toContain(`stand-in: prefix cache reset (${reset})`);
      const results = resultsSchema.parse(JSON.parse(readFileSync(join(out, point, 'results.json'), 'utf8')));
      expect(results.serve).toMatchObject({ log: 'server.log', cacheReset: true });
    }
    for (const pid of readPids(pids)) expect(alive(pid)).toBe(false);
  });

  it('a server without /reset_prefix_cache: the sweep says so and records false', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-serve-noreset-'));
    const port = await freePort();
    const out = join(dir, 'sweep');
    const r = await runCli(['sweep', '--suite', 'chartqa', '--data', 'sample', '--limit', '2', '--concurrency', '1,2', '--serve', `${process.execPath} ${STANDIN} --port ${port} --ready-after 0 --no-reset`, '--out', out], {
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('the server has no POST /reset_prefix_cache (vLLM serves it with VLLM_SERVER_DEV_MODE=1)');
    const sweep = sweepSchema.parse(JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')));
    expect(sweep.points.map((p) => p.cacheReset)).toEqual([false, false]);
  });

  it('refuses --serve with a backend that does not talk to a server, and a stray --serve-timeout', async () => {
    const a = await runCli(['eval', '--suite', 'chartqa', '--backend', 'onnx', '--serve', 'vllm serve m']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--serve starts an OpenAI-compatible server, which --backend onnx does not talk to.');
    const b = await runCli(['eval', '--suite', 'chartqa', '--serve-timeout', '5']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--serve-timeout and --serve-grace need --serve');
  });
});
