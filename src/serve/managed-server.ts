// `--serve`: start an inference server for a run, wait until it is healthy, and stop it afterwards
// with nothing left behind. The command runs without a shell (command-line.ts) in a process group of
// its own, stdout and stderr going straight into a log file (the harness never relays the server's
// output, so a chatty server costs the measurement nothing). Ready means a 200 from GET /health
// (vLLM, SGLang, TGI), else from GET {base}/models. Stopping sends SIGTERM to the whole group, then
// SIGKILL after the grace period, and waits until no member is left; an exit of the harness itself
// also kills the group, so a crash leaves no orphan either.

import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.ts';
import type { ServeCommand } from './command-line.ts';
import { commandText, maskedCommand } from './command-line.ts';
import { groupMembers, signalGroup, waitGroupGone } from './process-group.ts';
import { probeServer, serverRoot } from './server-endpoints.ts';
import type { ServeRecord } from './serve-schema.ts';

export interface ManagedServerOptions {
  command: ServeCommand;
  /** The API root the run will use, e.g. http://127.0.0.1:8000/v1. */
  baseUrl: string;
  /** File the server's stdout and stderr go to (appended). */
  logPath: string;
  /** What results.json calls the log (relative to the run directory). */
  logName: string;
  /** Seconds to wait for the first healthy answer. */
  timeoutSec: number;
  /** Seconds between SIGTERM and SIGKILL. */
  graceSec: number;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
}

export interface StopOutcome {
  /** The last signal it took: SIGTERM when it stopped in the grace period, SIGKILL otherwise. */
  signal: 'SIGTERM' | 'SIGKILL';
  /** The server's own exit code or signal, when it was seen. */
  exit: string | null;
  /** Processes of the group still alive after SIGKILL (should be none). */
  leftovers: number[];
}

export interface ManagedServer {
  pid: number;
  record: ServeRecord;
  /** Bytes written to the log so far (sweeps copy each point's part of it). */
  logSize(): number;
  stop(): Promise<StopOutcome>;
}

const TAIL_BYTES = 2000;

/** The last lines of the server's log, for error messages. */
export function logTail(path: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    const tail = text.slice(-TAIL_BYTES).trim();
    return tail ? `\n--- last lines of ${path} ---\n${tail}` : ` (${path} is empty)`;
  } catch {
    return '';
  }
}

export async function startManagedServer(o: ManagedServerOptions): Promise<ManagedServer> {
  const fetchFn = o.fetch ?? globalThis.fetch;
  const root = serverRoot(o.baseUrl);
  // A server already answering there would pass the health check in its place.
  const before = await probeServer({ baseUrl: o.baseUrl, fetch: fetchFn });
  if (before.healthy) {
    throw new UserError(`--serve: something already answers at ${before.url}. Stop it, or start the new server on another --port (and give that --base-url).`);
  }
  const shown = commandText(maskedCommand(o.command));
  const fd = openSync(o.logPath, 'a');
  const child = spawn(o.command.argv[0], o.command.argv.slice(1), {
    detached: true, // a process group of its own: stop() signals all of it
    stdio: ['ignore', fd, fd],
    // Python servers (vLLM, SGLang) block-buffer stdout into a file: unbuffered, the log is complete
    // up to each moment, so a sweep point's part of it and a crash's last lines are there
    env: { PYTHONUNBUFFERED: '1', ...(o.env ?? process.env), ...o.command.env },
  });
  closeSync(fd);
  const started = performance.now();
  let exit: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, sig) => {
      exit = sig ?? String(code);
      resolve();
    });
    child.once('error', (e) => {
      exit = (e as NodeJS.ErrnoException).code ?? e.message;
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) {
    await exited;
    throw new UserError(`--serve: cannot start '${o.command.argv[0]}' (${exit}). Is it installed and on PATH?`, 1);
  }
  // last resort: whatever ends the harness ends the server too
  const onExit = () => signalGroup(pid, 'SIGKILL');
  process.once('exit', onExit);

  let stopping: Promise<StopOutcome> | null = null;
  const stop = (): Promise<StopOutcome> => {
    stopping ??= (async () => {
      let signal: StopOutcome['signal'] = 'SIGTERM';
      if (groupMembers(pid).length) {
        signalGroup(pid, 'SIGTERM');
        if (!(await waitGroupGone(pid, o.graceSec * 1000))) {
          signal = 'SIGKILL';
          signalGroup(pid, 'SIGKILL');
          await waitGroupGone(pid, 10_000);
        }
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
      process.removeListener('exit', onExit);
      return { signal, exit, leftovers: groupMembers(pid) };
    })();
    return stopping;
  };

  try {
    const deadline = started + o.timeoutSec * 1000;
    let last = 'no answer yet';
    for (let delay = 100; ; delay = Math.min(1000, delay * 2)) {
      if (exit !== null) {
        throw new UserError(`--serve: the server exited (${exit}) before it became healthy: ${shown}${logTail(o.logPath)}`, 1);
      }
      if (o.signal?.aborted) throw new UserError('--serve: interrupted while waiting for the server to become healthy.', 1);
      const probe = await probeServer({ baseUrl: o.baseUrl, fetch: fetchFn, info: true });
      if (probe.healthy) {
        return {
          pid,
          record: {
            command: maskedCommand(o.command),
            baseUrl: o.baseUrl,
            healthUrl: probe.url,
            readySec: (performance.now() - started) / 1000,
            version: probe.version,
            cacheConfig: probe.cacheConfig,
            log: o.logName,
          },
          logSize: () => {
            try {
              return statSync(o.logPath).size;
            } catch {
              return 0;
            }
          },
          stop,
        };
      }
      last = probe.why;
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new UserError(
          `--serve: the server did not become healthy within ${o.timeoutSec} s (GET ${root}/health and ${o.baseUrl.replace(/\/+$/, '')}/models: ${last}). ` +
            `Raise --serve-timeout if it loads slowly. Command: ${shown}${logTail(o.logPath)}`,
          1,
        );
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, Math.min(delay, left)))]);
    }
  } catch (e) {
    await stop();
    throw e;
  }
}
