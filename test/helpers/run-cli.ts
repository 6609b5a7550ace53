// Runs the CLI as a user would: the compiled dist/src/cli.js behind `bin: vlm-harness` (test/global-setup.ts
// rebuilds it when src/ changed), capturing output and the exit code.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(REPO, 'dist', 'src', 'cli.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the CLI's standard input, then closed (otherwise stdin is /dev/null). */
  input?: string;
  /**
   * Under root, run without the capabilities that bypass file permissions (CAP_DAC_OVERRIDE and
   * CAP_DAC_READ_SEARCH, dropped by util-linux's setpriv, which then execs node): how tests see
   * permission errors when they run as root. Switching to another user instead fails where the
   * checkout is not readable by others (a clone in `mktemp -d`, mode 0700).
   */
  withoutRootOverride?: boolean;
}

const DROP_DAC = '-dac_override,-dac_read_search';

export function startCli(args: string[], opts: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  // one node process, so a signal reaches the CLI itself (setpriv execs node in its place)
  const node = [process.execPath, CLI, ...args];
  const [command, ...argv] =
    opts.withoutRootOverride && process.getuid?.() === 0 ? ['setpriv', `--inh-caps=${DROP_DAC}`, `--bounding-set=${DROP_DAC}`, ...node] : node;
  const child = spawn(command!, argv, {
    cwd: opts.cwd ?? REPO,
    env: { ...process.env, ...opts.env },
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}
