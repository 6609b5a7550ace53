// Runs a GPU tool: an executable and an argument array, never a shell string (no quoting, no
// injection through a --telemetry-cmd or a PATH entry). A timeout kills the whole process group, so
// a wrapper script whose child holds stdout open (a stand-in `sh` that sleeps, `ssh`) cannot hang us.

import { spawn } from 'node:child_process';

export interface RunOptions {
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Aborting kills the command and resolves with `aborted: true` (the sampler's stop()). */
  signal?: AbortSignal;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  /** Null when the command was killed (timeout, abort, signal). */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
}

/** Resolves with whatever the command printed; rejects only when it could not be started. */
export type RunCommand = (file: string, args: readonly string[], options: RunOptions) => Promise<CommandResult>;

/** Output beyond this is dropped; the SMI tools print a few hundred KB at most (`nvidia-smi -q` on 8 GPUs: 80 KB). */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export const runCommand: RunCommand = (file, args, { timeoutMs, env, signal }) =>
  new Promise((resolve, reject) => {
    const child = spawn(file, [...args], {
      env: env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      detached: true, // its own process group, killed as a whole below
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      if (size >= MAX_OUTPUT_BYTES) return;
      size += chunk.length;
      into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));

    let settled = false;
    const finish = (exitCode: number | null, sig: string | null, timedOut: boolean, aborted: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode,
        signal: sig,
        timedOut,
        aborted,
      });
    };
    const kill = (timedOut: boolean, aborted: boolean) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is gone already, or was never formed
      }
      child.stdout.destroy();
      child.stderr.destroy();
      finish(null, 'SIGKILL', timedOut, aborted);
    };
    const onAbort = () => kill(false, true);
    const timer = setTimeout(() => kill(true, false), timeoutMs);
    timer.unref();
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(new Error(`could not start ${file}: ${e.message}`));
    });
    child.on('close', (code, sig) => finish(code, sig, false, false));
  });
