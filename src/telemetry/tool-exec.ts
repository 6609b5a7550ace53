// One way to run a GPU tool and read its output, shared by the probe and the sampler: look the tool up
// on PATH (or run it through a remote prefix such as `ssh gpu-box`), run it with a timeout, keep the
// raw output, and parse it. The exit status is distrusted both ways (rocm-smi can exit 0 on failure
// and non-zero with usable output, spec/telemetry.md §1 and §6): only the parse decides.

import { findOnPath as defaultFindOnPath, type FindOnPath } from './find-on-path.ts';
import type { RawOutput } from './hardware-schema.ts';
import { preview } from './parse/parse-values.ts';
import { runCommand, type RunCommand } from './run-command.ts';
import type { ToolReading } from './types.ts';

export const DEFAULT_TOOL_TIMEOUT_MS = 5000;

/** Raw output kept per command in the report; `nvidia-smi -q` on 8 GPUs is 80 KB. */
const RAW_LIMIT = 128 * 1024;

export interface ToolExecDeps {
  run?: RunCommand;
  findOnPath?: FindOnPath;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** A prefix that runs the tool elsewhere, e.g. `['ssh', 'gpu-box']`; argument array, no shell. */
  telemetryCmd?: readonly string[];
  /** Where to keep each command's raw output; omitted, nothing is kept. */
  raw?: RawOutput[];
  signal?: AbortSignal;
}

export type ToolOutcome =
  | { ok: true; reading: ToolReading }
  | { ok: false; notFound: boolean; message: string };

export type ToolExec = (
  tool: string,
  args: readonly string[],
  parse: (stdout: string) => ToolReading,
) => Promise<ToolOutcome>;

export function createToolExec(deps: ToolExecDeps = {}): ToolExec {
  const run = deps.run ?? runCommand;
  const find = deps.findOnPath ?? defaultFindOnPath;
  const env = deps.env ?? process.env;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const prefix = deps.telemetryCmd ?? [];

  return async (tool, args, parse) => {
    const program = prefix.length ? prefix[0] : tool;
    const argv = prefix.length ? [...prefix.slice(1), tool, ...args] : [...args];
    const shown = [program, ...argv].join(' ');
    const file = await find(program, env);
    if (!file) return { ok: false, notFound: true, message: `${program} not found on PATH` };
    let result;
    try {
      result = await run(file, argv, { timeoutMs, env, signal: deps.signal });
    } catch (e) {
      return { ok: false, notFound: false, message: `${shown}: ${(e as Error).message}` };
    }
    deps.raw?.push(rawOutput([program, ...argv], result.exitCode, result.stdout, result.stderr));
    if (result.aborted) return { ok: false, notFound: false, message: `${shown}: stopped` };
    if (result.timedOut) return { ok: false, notFound: false, message: `${shown}: timed out after ${timeoutMs} ms` };
    // through a remote shell, 127 is "command not found"
    if (prefix.length && result.exitCode === 127) return { ok: false, notFound: true, message: `${tool} not found via ${prefix.join(' ')}` };
    const status = result.exitCode === 0 ? '' : ` (exit code ${result.exitCode ?? result.signal})`;
    try {
      const reading = parse(result.stdout);
      if (reading.gpus.length === 0) throw new Error('no GPUs in output');
      if (status) reading.notes.push(`${shown} printed usable output but exited${status}`);
      return { ok: true, reading };
    } catch (e) {
      const stderr = result.stderr.trim() ? `; stderr: ${preview(result.stderr)}` : '';
      return { ok: false, notFound: false, message: `${shown}${status}: ${(e as Error).message}${stderr}` };
    }
  };
}

function rawOutput(command: string[], exitCode: number | null, stdout: string, stderr: string): RawOutput {
  const raw: RawOutput = { command, exitCode, stdout: stdout.slice(0, RAW_LIMIT) };
  if (stderr.trim()) raw.stderr = stderr.slice(0, RAW_LIMIT);
  if (stdout.length > RAW_LIMIT || stderr.length > RAW_LIMIT) raw.truncated = true;
  return raw;
}
