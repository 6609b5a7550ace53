// Starting python/worker.py and waiting for its `ready` line. Loading an 11B/90B checkpoint takes
// minutes, so the wait is bounded by its own timeout (not a request's). Every way it can fail ends in
// a StartupFailure whose message says what to do (design.md, example 6): the interpreter is missing,
// torch/transformers are missing (the worker names the pip command), the model is gated (accept the
// license, set HF_TOKEN), it ran out of memory, or it took too long. The caller turns it into a
// UserError at creation and into a BackendError when a restart fails mid-run.

import { describeExit, PythonWorker, WorkerExitedError, type SpawnFunction } from './python-worker.ts';
import { parseReply, type WorkerReady } from './transformers-protocol.ts';

export interface WorkerLaunch {
  python: string;
  workerPath: string;
  model: string;
  dtype: string;
  device: string;
  startupTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
  spawn?: SpawnFunction;
}

export type StartupFailureKind = 'not_found' | 'missing_dependency' | 'gated' | 'oom' | 'load' | 'timeout' | 'exited' | 'protocol';

export class StartupFailure extends Error {
  override name = 'StartupFailure';
  constructor(
    readonly kind: StartupFailureKind,
    message: string,
  ) {
    super(message);
  }
}

export function workerArgs(l: WorkerLaunch): string[] {
  return [l.workerPath, '--model', l.model, '--dtype', l.dtype, '--device', l.device];
}

/** Starts the worker and resolves with it once it is ready; on any failure the process is gone. */
export async function startTransformersWorker(l: WorkerLaunch): Promise<{ worker: PythonWorker; ready: WorkerReady }> {
  const worker = new PythonWorker({ command: l.python, args: workerArgs(l), env: l.env, spawn: l.spawn });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StartupFailure('timeout', timeoutMessage(l, worker.stderrTail()))), l.startupTimeoutMs);
  });
  try {
    const ready = await Promise.race([awaitReady(worker, l), timeout]);
    return { worker, ready };
  } catch (e) {
    worker.kill('SIGKILL');
    await worker.exited;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

async function awaitReady(worker: PythonWorker, l: WorkerLaunch): Promise<WorkerReady> {
  let line: Record<string, unknown>;
  try {
    line = await worker.next();
  } catch (e) {
    if (e instanceof WorkerExitedError) throw exitedFailure(l, e);
    throw e;
  }
  const parsed = parseReply(line);
  if (!parsed.ok) throw new StartupFailure('protocol', `the transformers worker (${l.workerPath}) sent an unexpected first line (${parsed.problem}): ${JSON.stringify(line).slice(0, 300)}`);
  const reply = parsed.reply;
  if (reply.type === 'ready') return reply;
  if (reply.type === 'error') throw workerFailure(l, reply.kind, reply.message, worker.stderrTail());
  throw new StartupFailure('protocol', `the transformers worker sent a '${reply.type}' line before 'ready'.`);
}

function workerFailure(l: WorkerLaunch, kind: string, message: string, stderr: string): StartupFailure {
  const what = `The transformers worker could not load ${l.model} (${l.dtype} on ${l.device})`;
  switch (kind) {
    case 'missing_dependency':
      return new StartupFailure('missing_dependency', `${what}: ${message}${l.python === 'python3' ? '' : ` (interpreter: ${l.python})`}`);
    case 'gated':
      return new StartupFailure('gated', `${what}: ${message}`);
    case 'oom':
      return new StartupFailure('oom', `${what}: ${message}. Try --dtype bf16 or fp16, a smaller model, or a GPU with more free memory.`);
    default:
      return new StartupFailure('load', `${what}: ${message}${tail(stderr)}`);
  }
}

function exitedFailure(l: WorkerLaunch, e: WorkerExitedError): StartupFailure {
  if (e.exit.error?.code === 'ENOENT') {
    return new StartupFailure('not_found', `Python interpreter '${l.python}' was not found. Install Python 3 with torch and transformers, or point the backend at one (--python <path>).`);
  }
  if (e.exit.error) return new StartupFailure('not_found', `Python interpreter '${l.python}' ${describeExit(e.exit)}.`);
  return new StartupFailure('exited', `The transformers worker ${describeExit(e.exit)} before it was ready (${l.python} ${l.workerPath}).${tail(e.stderrTail)}`);
}

function timeoutMessage(l: WorkerLaunch, stderr: string): string {
  return (
    `The transformers worker did not finish loading ${l.model} within ${l.startupTimeoutMs / 1000} s and was stopped. ` +
    `A large checkpoint that is still downloading or loading needs a longer startup timeout.${tail(stderr)}`
  );
}

function tail(stderr: string): string {
  if (!stderr) return '';
  const lines = stderr.split('\n').slice(-8).join('\n');
  return `\nLast lines of the worker's log:\n${lines}`;
}
