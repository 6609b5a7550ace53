// startManagedServer with a stand-in server script (test/helpers/serve-standin.mjs) that forks a
// helper process, as vLLM forks its engine: the health check waits for it, its output lands in the
// log, and stopping it leaves no process of its group behind, whether it honours SIGTERM or not.
// A server that never becomes healthy, or dies while loading, fails with the reason and its log.

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { parseServeCommand } from '../../src/serve/command-line.ts';
import { startManagedServer } from '../../src/serve/managed-server.ts';
import { resetServerCaches } from '../../src/serve/server-endpoints.ts';
import { alive, freePort, readPids } from '../helpers/processes.ts';

const STANDIN = fileURLToPath(new URL('../helpers/serve-standin.mjs', import.meta.url));

async function start(extra: string, o: { timeoutSec?: number; graceSec?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'serve-'));
  const port = await freePort();
  const pids = join(dir, 'pids');
  const command = parseServeCommand(`${JSON.stringify(process.execPath)} ${JSON.stringify(STANDIN)} --port ${port} --pids ${pids} ${extra} --api-key sk-secret`);
  const logPath = join(dir, 'server.log');
  const run = startManagedServer({ command, baseUrl: `http://127.0.0.1:${port}/v1`, logPath, logName: 'server.log', timeoutSec: o.timeoutSec ?? 30, graceSec: o.graceSec ?? 5 });
  return { run, port, pids, logPath };
}

/** Waits until the stand-in has written its pids (it may have died before). */
async function pidsOf(file: string): Promise<number[]> {
  for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 25));
  return readPids(file);
}

describe('startManagedServer', () => {
  it('waits for /health, records the server, logs its output, and stops its whole group with SIGTERM', async () => {
    const { run, port, pids, logPath } = await start('--ready-after 400');
    const server = await run;
    const [serverPid, helperPid] = await pidsOf(pids);
    expect(server.pid).toBe(serverPid);
    expect(alive(serverPid) && alive(helperPid)).toBe(true);
    expect(server.record).toMatchObject({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      healthUrl: `http://127.0.0.1:${port}/health`,
      version: '0.10.1.standin',
      cacheConfig: { block_size: '16', num_gpu_blocks: '4096', cache_dtype: 'auto', enable_prefix_caching: 'True' },
      log: 'server.log',
    });
    // it answered only once it was ready
    expect(server.record.readySec).toBeGreaterThan(0.3);
    expect(server.record.command.slice(-2)).toEqual(['--api-key', '***']);
    expect(await resetServerCaches({ baseUrl: server.record.baseUrl })).toBe(true);
    const stopped = await server.stop();
    expect(stopped).toMatchObject({ signal: 'SIGTERM', leftovers: [] });
    expect(alive(serverPid)).toBe(false);
    expect(alive(helperPid)).toBe(false);
    const log = readFileSync(logPath, 'utf8');
    expect(log).toContain(`stand-in: listening on 127.0.0.1:${port}`);
    expect(log).toContain('stand-in: prefix cache reset (1)');
    expect(log).toContain('stand-in: SIGTERM, shutting down');
    // stopping twice is harmless
    expect((await server.stop()).leftovers).toEqual([]);
  });

  it('a server that ignores SIGTERM is killed with SIGKILL after the grace period, helper included', async () => {
    const { run, pids, logPath } = await start('--ready-after 0 --ignore-term', { graceSec: 0.5 });
    const server = await run;
    const [serverPid, helperPid] = await pidsOf(pids);
    const stopped = await server.stop();
    expect(stopped).toMatchObject({ signal: 'SIGKILL', leftovers: [] });
    expect(alive(serverPid) || alive(helperPid)).toBe(false);
    expect(readFileSync(logPath, 'utf8')).toContain('stand-in: SIGTERM ignored');
  });

  it('a server that never becomes healthy fails within --serve-timeout with the URLs, the fix and its log; nothing is left', async () => {
    const { run, port, pids } = await start('--never-healthy', { timeoutSec: 1.5 });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    const message = (error as UserError).message;
    expect(message).toContain(`--serve: the server did not become healthy within 1.5 s (GET http://127.0.0.1:${port}/health and http://127.0.0.1:${port}/v1/models: HTTP 503; HTTP 503). Raise --serve-timeout`);
    expect(message).toContain(`stand-in: listening on 127.0.0.1:${port}`);
    expect(message).toContain("--api-key '***'");
    expect(message).not.toContain('sk-secret');
    expect((error as UserError).exitCode).toBe(1);
    for (const pid of await pidsOf(pids)) expect(alive(pid)).toBe(false);
  });

  it('a server that exits while loading fails at once with its exit code and the end of its log', async () => {
    const { run } = await start('--exit-early', { timeoutSec: 60 });
    const error = (await run.catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^--serve: the server exited \(3\) before it became healthy: /);
    expect(error.message).toContain('stand-in: fatal: could not load the model');
  });

  it('refuses to start when something already answers at the URL, and names a missing program', async () => {
    const port = await freePort();
    const other: Server = createServer((_req, res) => res.writeHead(200).end());
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    try {
      const dir = mkdtempSync(join(tmpdir(), 'serve-busy-'));
      await expect(
        startManagedServer({ command: parseServeCommand('vllm serve m'), baseUrl: `http://127.0.0.1:${port}/v1`, logPath: join(dir, 'log'), logName: 'log', timeoutSec: 5, graceSec: 1 }),
      ).rejects.toThrow(`--serve: something already answers at http://127.0.0.1:${port}/health.`);
    } finally {
      other.close();
    }
    const dir = mkdtempSync(join(tmpdir(), 'serve-missing-'));
    const free = await freePort();
    await expect(
      startManagedServer({ command: parseServeCommand('no-such-server-program --port 1'), baseUrl: `http://127.0.0.1:${free}/v1`, logPath: join(dir, 'log'), logName: 'log', timeoutSec: 5, graceSec: 1 }),
    ).rejects.toThrow(/no-such-server-program/);
  });
});
