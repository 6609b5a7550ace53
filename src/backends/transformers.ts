// `--backend transformers`: a model run by Hugging Face transformers in a Python worker
// (python/worker.py), loaded and called exactly as the seed system measured Llama 3.2 Vision:
// MllamaForConditionalGeneration in bf16 on one GPU, the processor's chat template, greedy
// generate(). The Node side owns the process: it starts it (argument array, no shell), waits for
// `ready`, sends one request at a time (concurrency > 1 only queues, as in onnx.ts) and reads the
// matching result.
// Images travel as files written into a private temp folder, deleted after each request.
// Timing: startMs is taken just before the request is written; the worker stamps prefill end and
// every token with its own monotonic clock, mapped onto ours in transformers-protocol.ts.
// Failures are data (design.md, example 5): a worker error is a BackendError of its kind. generate()
// cannot be interrupted in Python, so an aborted request (timeout, Ctrl-C) kills the worker and the
// next request starts a new one; a crash mid-request is retryable once the worker is restarted,
// and three crashes in a row stop the restarts (each costs a model load).
// memory() and deviceInfo() give the peak torch.cuda memory and the worker's device and versions
// for results.json.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { packagePath } from '../package-root.ts';
import type { Backend, Generation, ModelInfo, Request } from '../types.ts';
import { BackendError } from './backend-error.ts';
import { describeExit, WorkerExitedError, type PythonWorker, type SpawnFunction, type WorkerExit } from './python-worker.ts';
import { MIME_EXTENSIONS, parseReply, requestImages, toGenerateMessage, toGeneration, type WorkerReady } from './transformers-protocol.ts';
import { StartupFailure, startTransformersWorker, type WorkerLaunch } from './transformers-startup.ts';

export const TRANSFORMERS_DTYPES = ['bf16', 'fp16', 'fp32'] as const;
export type TransformersDtype = (typeof TRANSFORMERS_DTYPES)[number];

export interface TransformersBackendOptions {
  /** Hub id (e.g. meta-llama/Llama-3.2-11B-Vision-Instruct) or a local folder. */
  model: string;
  /** bf16 (default, as the seed), fp16 or fp32. */
  dtype?: string;
  /** torch device: cuda:0 (default; ROCm GPUs are `cuda` in torch too) or cpu. */
  device?: string;
  /** The Python interpreter that has torch and transformers; python3 by default. */
  python?: string;
  /** python/worker.py of the package by default. */
  workerPath?: string;
  /** How long loading may take before the worker is stopped (default 10 minutes). */
  startupTimeoutMs?: number;
  /** How long close() waits for the worker to exit after `shutdown` before killing it. */
  closeGraceMs?: number;
  /** Where the per-run image folder is made; os.tmpdir() by default. */
  tmpDir?: string;
  /** Overrides the worker's image limit (1 for Mllama). */
  maxImages?: number;
  env?: NodeJS.ProcessEnv;
  spawn?: SpawnFunction;
  /** Monotonic clock in ms; performance.now() by default. */
  now?: () => number;
}

export interface TransformersMemory {
  /** Peak of torch.cuda.max_memory_allocated over the run's requests, MiB. */
  maxMemoryAllocatedMiB: number;
  /** Peak of torch.cuda.max_memory_reserved (the caching allocator's pool), MiB. */
  maxMemoryReservedMiB: number;
}

export interface TransformersDeviceInfo {
  /** torch.cuda.get_device_name ("AMD Instinct MI300X" on ROCm), or "cpu". */
  deviceName: string | null;
  /** torch.version.hip: set on ROCm builds. */
  hip: string | null;
  /** torch.version.cuda: set on CUDA builds. */
  cuda: string | null;
  torch: string | null;
  transformers: string | null;
}

export interface TransformersBackend extends Backend {
  /** Null until a request ran on a GPU. */
  memory(): TransformersMemory | null;
  deviceInfo(): TransformersDeviceInfo;
}

const MAX_CRASHES_IN_A_ROW = 3;
const MIB = 1024 * 1024;

export function defaultWorkerPath(): string {
  return packagePath('python', 'worker.py');
}

export function checkTransformersOptions(o: TransformersBackendOptions): { dtype: TransformersDtype; device: string } {
  if (!o.model) throw new UserError('--backend transformers needs --model <hub id or folder>, e.g. --model meta-llama/Llama-3.2-11B-Vision-Instruct.');
  const dtype = o.dtype ?? 'bf16';
  if (!(TRANSFORMERS_DTYPES as readonly string[]).includes(dtype)) {
    throw new UserError(`Unknown --dtype '${dtype}' for the transformers backend. Use one of: ${TRANSFORMERS_DTYPES.join(', ')}.`);
  }
  const device = o.device ?? 'cuda:0';
  if (!/^(cpu|cuda(:\d+)?)$/.test(device)) {
    throw new UserError(`Unknown --device '${device}' for the transformers backend. Use cuda:N (NVIDIA and ROCm GPUs alike) or cpu.`);
  }
  return { dtype: dtype as TransformersDtype, device };
}

export async function createTransformersBackend(o: TransformersBackendOptions): Promise<TransformersBackend> {
  const { dtype, device } = checkTransformersOptions(o);
  const now = o.now ?? (() => performance.now());
  const launch: WorkerLaunch = {
    python: o.python ?? 'python3',
    workerPath: o.workerPath ?? defaultWorkerPath(),
    model: o.model,
    dtype,
    device,
    startupTimeoutMs: o.startupTimeoutMs ?? 600_000,
    env: o.env,
    spawn: o.spawn,
  };
  let first: { worker: PythonWorker; ready: WorkerReady };
  try {
    first = await startTransformersWorker(launch);
  } catch (e) {
    if (e instanceof StartupFailure) throw new UserError(e.message);
    throw e;
  }
  const folder = await mkdtemp(join(o.tmpDir ?? tmpdir(), 'vlm-transformers-'));

  let worker: PythonWorker | null = first.worker;
  let ready = first.ready;
  let starting: Promise<PythonWorker> | null = null;
  let dying: Promise<WorkerExit> | null = null;
  let closed = false;
  let crashesInARow = 0;
  let lastCrash = '';
  let seq = 0;
  let memory: TransformersMemory | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  /** Takes the worker out of service: killed, and awaited before a new one loads (its GPU memory must be free). */
  function retire(w: PythonWorker, kill: boolean): void {
    if (worker === w) worker = null;
    if (kill) w.kill('SIGKILL');
    dying = w.exited;
  }

  async function ensureWorker(): Promise<PythonWorker> {
    if (closed) throw new BackendError('the transformers backend is closed', { kind: 'backend' });
    if (worker?.alive) return worker;
    if (crashesInARow >= MAX_CRASHES_IN_A_ROW) {
      throw new BackendError(`the transformers worker crashed ${crashesInARow} times in a row and is not restarted again (last: ${lastCrash})`, { kind: 'backend' });
    }
    starting ??= (async () => {
      if (dying) await dying;
      let s: { worker: PythonWorker; ready: WorkerReady };
      try {
        s = await startTransformersWorker(launch);
      } catch (e) {
        crashesInARow++;
        lastCrash = e instanceof Error ? e.message : String(e);
        throw new BackendError(`restarting the transformers worker failed: ${lastCrash}`, { kind: 'backend', cause: e });
      }
      if (closed) {
        await s.worker.close(o.closeGraceMs ?? 5000);
        throw new BackendError('the transformers backend is closed', { kind: 'backend' });
      }
      worker = s.worker;
      ready = s.ready;
      return s.worker;
    })().finally(() => (starting = null));
    return starting;
  }

  async function runOne(request: Request, signal: AbortSignal): Promise<Generation> {
    if (signal.aborted) throw abortError(signal, 'before it was sent');
    // A restart is shared by the requests waiting for it and keeps going when one of them gives up.
    const w = await untilAborted(ensureWorker(), signal, 'while the worker was starting', () => undefined);
    const id = String(++seq);
    const images = requestImages(request);
    const paths = images.map((img, i) => join(folder, `${id}-${i}.${MIME_EXTENSIONS[img.mime]}`));
    try {
      await Promise.all(images.map((img, i) => writeFile(paths[i], img.bytes)));
      if (signal.aborted) throw abortError(signal, 'before it was sent');
      const sentMs = now();
      if (!w.send(toGenerateMessage(request, id, paths))) throw crashError(w, request, new WorkerExitedError(await w.exited, w.stderrTail()));
      for (;;) {
        let line: Record<string, unknown>;
        try {
          line = await untilAborted(w.next(), signal, 'while running; the worker was stopped and restarts for the next request', () => retire(w, true));
        } catch (e) {
          if (e instanceof WorkerExitedError) throw crashError(w, request, e);
          throw e;
        }
        const parsed = parseReply(line);
        if (!parsed.ok) {
          retire(w, true);
          throw new BackendError(`the transformers worker sent an unexpected line (${parsed.problem}); it was restarted`, { kind: 'backend', retryable: true });
        }
        const reply = parsed.reply;
        if (reply.type === 'ready' || (reply.id != null && reply.id !== id)) continue; // a stale line
        crashesInARow = 0;
        if (reply.type === 'error') throw workerError(reply.kind, reply.message);
        noteMemory(reply.max_memory_allocated, reply.max_memory_reserved);
        return toGeneration(reply, sentMs);
      }
    } finally {
      await Promise.all(paths.map((p) => rm(p, { force: true })));
    }
  }

  function crashError(w: PythonWorker, request: Request, e: WorkerExitedError): BackendError {
    retire(w, false);
    if (closed) return new BackendError(`the transformers backend was closed while sample ${request.sampleId} ran`, { kind: 'backend' });
    crashesInARow++;
    const log = e.stderrTail ? `; last lines of its log:\n${e.stderrTail.split('\n').slice(-8).join('\n')}` : '';
    lastCrash = `${describeExit(e.exit)} during sample ${request.sampleId}`;
    return new BackendError(`the transformers worker ${lastCrash}; it restarts for the next request${log}`, { kind: 'backend', retryable: true, cause: e });
  }

  function noteMemory(allocated: number | null | undefined, reserved: number | null | undefined): void {
    if (allocated == null || reserved == null) return;
    memory = {
      maxMemoryAllocatedMiB: Math.max(memory?.maxMemoryAllocatedMiB ?? 0, allocated / MIB),
      maxMemoryReservedMiB: Math.max(memory?.maxMemoryReservedMiB ?? 0, reserved / MIB),
    };
  }

  const info: ModelInfo = { id: o.model, backend: 'transformers', dtype };
  const deviceInfo = (): TransformersDeviceInfo => ({
    deviceName: ready.device_name,
    hip: ready.hip ?? null,
    cuda: ready.cuda ?? null,
    torch: ready.torch,
    transformers: ready.transformers,
  });
  return {
    id: 'transformers',
    maxImages: o.maxImages ?? first.ready.max_images ?? 4,
    async describe() {
      return info;
    },
    generate(request, signal) {
      const previous = queue;
      const turn = previous.then(() => runOne(request, signal));
      queue = turn.catch(() => undefined);
      // A request still waiting for its turn gives up at once when its signal fires (and is skipped later).
      return untilAborted(previous, signal, 'while queued', () => undefined).then(() => turn);
    },
    memory() {
      return memory;
    },
    deviceInfo,
    report() {
      const { deviceName, ...software } = deviceInfo();
      return { deviceName, software, peakAllocatedMiB: memory?.maxMemoryAllocatedMiB ?? null, peakReservedMiB: memory?.maxMemoryReservedMiB ?? null };
    },
    async close() {
      if (closed) return;
      closed = true;
      const w = worker;
      worker = null;
      if (w) await w.close(o.closeGraceMs ?? 5000);
      await starting?.catch(() => undefined);
      if (dying) await dying;
      await rm(folder, { recursive: true, force: true });
    },
  };
}

function workerError(kind: string, message: string): BackendError {
  if (kind === 'input') return new BackendError(message, { kind: 'input' });
  return new BackendError(kind === 'oom' ? message : `the transformers worker failed: ${message}`, { kind: 'backend' });
}

function abortError(signal: AbortSignal, when: string): BackendError {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'aborted';
  return new BackendError(`generation aborted ${when}: ${reason}`, { kind: 'timeout', cause: signal.reason });
}

/** Settles like `p`, or rejects with a timeout BackendError as soon as `signal` fires (after `onAbort`). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal, when: string, onAbort: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(abortError(signal, when));
    };
    if (signal.aborted) {
      p.catch(() => undefined);
      return abort();
    }
    signal.addEventListener('abort', abort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}
