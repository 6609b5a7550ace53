// The HTTP client of the openai backend: worker threads that send requests and read their streams
// (`--client-workers N`), or the calling thread itself (N = 0). The main thread hands each worker
// a finished request body and gets back one reply per request: the response's timing is taken in
// the worker, on a clock shared across threads, so a busy main thread (building requests,
// extracting, scoring, writing the journal) no longer delays the reading of anyone's chunks.
// Requests go to the worker with the fewest in flight; each worker keeps its own connections.
// With limitInFlight(n) the workers enforce `--concurrency` themselves (slot-gate.ts), so the
// caller can hand them requests ahead of need and a finished request's slot is refilled in the
// worker at once.

import { Worker } from 'node:worker_threads';
import { BackendError } from '../backends/backend-error.ts';
import { createAgents, postChatStream, postParams, type ChatReply } from './chat-post.ts';
import { createOutbox, fromWire, ownBuffer, type ChatPostRequest, type ClientWorkerData, type FromWorker, type ToWorker } from './client-wire.ts';
import { createLoopDelayMonitor, type LoopDelayMonitor, type LoopDelayStats } from './loop-delay.ts';
import { mainGate, slotBuffer } from './slot-gate.ts';
import type { GenerateHooks } from '../types.ts';

export interface ChatClient {
  /** Worker threads reading responses; 0 when they are read on the calling thread. */
  workers: number;
  /**
   * Sends one request; resolves when the error body or the whole stream has been read. `hooks` hear
   * when it waits for a concurrency slot in a worker and when it then goes out (limitInFlight).
   */
  post(request: ChatPostRequest, signal: AbortSignal, hooks?: GenerateHooks): Promise<ChatReply>;
  /** Worker pools only: at most `limit` requests in flight across the workers (0: no limit). */
  limitInFlight?(limit: number): void;
  /** Starts a new event-loop-delay window on every client thread (and waits for them to be up). */
  resetLoopDelay(): Promise<void>;
  /** Each client thread's event-loop delay since the last reset. */
  loopDelay(): Promise<LoopDelayStats[]>;
  close(): Promise<void>;
}

/** The client on the calling thread (`--client-workers 0`): the same request code, no threads. */
export function createInProcessClient(o: { now?: () => number } = {}): ChatClient {
  const now = o.now ?? (() => performance.now());
  const agents = createAgents();
  let monitor: LoopDelayMonitor | null = null;
  return {
    workers: 0,
    post: (request, signal) => postChatStream(postParams(request, signal, now, agents)),
    async resetLoopDelay() {
      monitor ??= createLoopDelayMonitor();
      monitor.reset();
    },
    async loopDelay() {
      return monitor ? [monitor.stats()] : [];
    },
    async close() {
      monitor?.stop();
      agents.destroy();
    },
  };
}

export interface ClientPoolOptions {
  workers: number;
  /** Test hook: each worker blocks its event loop this long on every turn (see client-worker.ts). */
  stallMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(e: unknown): void;
  hooks?: GenerateHooks | undefined;
}

interface Slot {
  worker: Worker;
  /** The worker has answered at least once (it started). */
  up: boolean;
  pending: Map<number, Pending>;
  outbox: ReturnType<typeof createOutbox<ToWorker>>;
}

/**
 * The worker entry next to this module, with this module's own extension: `.ts` under tsx and the
 * tests, `.js` once compiled. Node 20 workers do not inherit tsx's loader hooks, so a `.ts` entry is
 * started through a bootstrap that registers tsx in the worker first.
 */
function startWorker(data: ClientWorkerData): Worker {
  const ts = import.meta.url.endsWith('.ts');
  const entry = new URL(`./client-worker${ts ? '.ts' : '.js'}`, import.meta.url);
  const options = { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } };
  if (!ts) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/**
 * A worker keeps little alive (the state of the streams in flight), but V8 grows a busy isolate's
 * young generation to 48 MB over a long run; capped, a worker's heap stays the same from the first
 * thousand requests to the fiftieth (measured with two workers: peak RSS from 1k to 50k requests
 * 1.25x uncapped, 1.17x at 8 MB, at the same requests/s).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

export function createClientPool(o: ClientPoolOptions): ChatClient {
  const count = Math.max(1, Math.floor(o.workers));
  const buffer = slotBuffer(count);
  const gate = mainGate(buffer);
  let nextId = 1;
  let closed = false;
  /** Set when a worker died before it ever answered: starting another would fail the same way. */
  let broken: string | null = null;
  const slots: Slot[] = [];

  function spawn(index: number): Slot {
    const data: ClientWorkerData = { vlmClientWorker: true, mainTimeOrigin: performance.timeOrigin, slots: buffer, index, ...(o.stallMs ? { stallMs: o.stallMs } : {}) };
    const worker = startWorker(data);
    const slot: Slot = { worker, up: false, pending: new Map(), outbox: createOutbox<ToWorker>((batch, transfer) => worker.postMessage(batch, transfer)) };
    worker.unref(); // an idle pool never keeps the process alive
    worker.on('message', (batch: FromWorker[]) => {
      slot.up = true;
      for (const m of batch) {
        const key = m.type === 'reply' || m.type === 'error' || m.type === 'queued' || m.type === 'sent' ? m.id : -m.seq;
        const p = slot.pending.get(key);
        if (!p) continue;
        if (m.type === 'queued' || m.type === 'sent') {
          p.hooks?.[m.type]?.();
          continue;
        }
        settle(slot, key);
        if (m.type === 'error') p.reject(fromWire(m.error));
        else if (m.type === 'reply') p.resolve(m.reply);
        else p.resolve(m.type === 'delay' ? m.stats : undefined);
      }
    });
    const stopped = (why: string) => {
      if (!slot.up && !closed) broken ??= `A client worker could not start (${why}).`;
      const failure = broken
        ? new BackendError(broken)
        : new BackendError(`A client worker stopped (${why}); the request can be retried.`, { retryable: true });
      for (const [key, p] of slot.pending) {
        settle(slot, key);
        p.reject(failure);
      }
      if (slots[index] !== slot) return; // already replaced ('error', then 'exit')
      gate.reclaim(index); // the slots its requests held
      if (!closed && !broken) slots[index] = spawn(index);
    };
    slot.worker.on('error', (e) => stopped(e.message));
    slot.worker.on('exit', (code) => stopped(`exit code ${code}`));
    return slot;
  }

  function track(slot: Slot, key: number, p: Pending): void {
    if (slot.pending.size === 0) slot.worker.ref();
    slot.pending.set(key, p);
  }

  function settle(slot: Slot, key: number): void {
    slot.pending.delete(key);
    if (slot.pending.size === 0) slot.worker.unref();
  }

  for (let i = 0; i < count; i++) slots.push(spawn(i));

  function leastBusy(): Slot {
    let best = slots[0];
    for (const s of slots) if (s.pending.size < best.pending.size) best = s;
    return best;
  }

  function ask<T>(type: 'reset-delay' | 'delay'): Promise<T[]> {
    if (broken) return Promise.reject(new BackendError(broken));
    return Promise.all(
      slots.map(
        (slot) =>
          new Promise<T>((resolve, reject) => {
            const seq = nextId++;
            track(slot, -seq, { resolve: resolve as (v: unknown) => void, reject });
            slot.outbox.push({ type, seq });
          }),
      ),
    );
  }

  return {
    workers: count,
    post(request, signal, hooks) {
      if (closed) return Promise.reject(new BackendError('The client was closed.'));
      if (broken) return Promise.reject(new BackendError(broken));
      if (signal.aborted) return Promise.reject(signal.reason);
      const slot = leastBusy();
      const id = nextId++;
      return new Promise<ChatReply>((resolve, reject) => {
        const onAbort = () => {
          if (!slot.pending.has(id)) return;
          settle(slot, id);
          slot.outbox.push({ type: 'abort', id });
          reject(signal.reason);
        };
        track(slot, id, {
          hooks,
          resolve: (v) => {
            signal.removeEventListener('abort', onAbort);
            resolve(v as ChatReply);
          },
          reject: (e) => {
            signal.removeEventListener('abort', onAbort);
            reject(e);
          },
        });
        signal.addEventListener('abort', onAbort, { once: true });
        if (typeof request.body === 'string') {
          slot.outbox.push({ type: 'post', id, request });
        } else {
          const body = ownBuffer(request.body);
          slot.outbox.push({ type: 'post', id, request: { ...request, body } }, body.buffer as ArrayBuffer);
        }
      });
    },
    async resetLoopDelay() {
      await ask<void>('reset-delay');
    },
    loopDelay: () => ask<LoopDelayStats>('delay'),
    limitInFlight: (limit) => gate.setLimit(limit),
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
