// The messages between the main thread and the client workers. One message out per request and
// one back per request (never one per chunk; two more when it waited in the worker for a
// concurrency slot), plus the event-loop-delay window. Errors cross the
// thread boundary as plain data and are rebuilt on the main thread, so openai.ts maps them exactly
// as it maps errors thrown on its own thread.

import { BackendError } from '../backends/backend-error.ts';
import type { ErrorKind } from '../types.ts';
import { TransportError, type ChatReply } from './chat-post.ts';
import type { LoopDelayStats } from './loop-delay.ts';

export interface ChatPostRequest {
  url: string;
  headers: Record<string, string>;
  /** The JSON body; bytes are transferred to a worker, not copied. */
  body: string | Uint8Array;
  /** A stream longer than this errors the request (--max-response-bytes; sse.ts). */
  maxResponseBytes: number;
  /** Error bodies are read up to this size. */
  maxErrorBytes: number;
}

export type ToWorker =
  | { type: 'post'; id: number; request: ChatPostRequest }
  | { type: 'abort'; id: number }
  | { type: 'reset-delay'; seq: number }
  | { type: 'delay'; seq: number };

export type FromWorker =
  | { type: 'reply'; id: number; reply: ChatReply }
  /** The request waits in the worker for a concurrency slot (slot-gate.ts); then 'sent' when it goes out. */
  | { type: 'queued'; id: number }
  | { type: 'sent'; id: number }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'delay-reset'; seq: number }
  | { type: 'delay'; seq: number; stats: LoopDelayStats };

/**
 * Messages go out in batches, one postMessage per turn of the sender's event loop: at hundreds of
 * requests per second a postMessage (and the wake-up of the other thread) per request costs more
 * than the work it carries. A batch leaves at the end of the turn it was filled in (setImmediate),
 * after every time in it was already taken.
 */
export function createOutbox<M>(send: (batch: M[], transfer: ArrayBuffer[]) => void) {
  let batch: M[] = [];
  let transfer: ArrayBuffer[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const b = batch;
    const t = transfer;
    batch = [];
    transfer = [];
    if (b.length) send(b, t);
  };
  return {
    push(message: M, transferable?: ArrayBuffer) {
      batch.push(message);
      if (transferable) transfer.push(transferable);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
  };
}

/** A body's bytes as an ArrayBuffer of their own, which can be transferred rather than copied. */
export function ownBuffer(body: Uint8Array): Uint8Array {
  if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer) return body;
  return new Uint8Array(body);
}

export interface ClientWorkerData {
  /** Marks a worker started by the pool. */
  vlmClientWorker: true;
  /** The main thread's performance.timeOrigin: workers report times on the main thread's clock. */
  mainTimeOrigin: number;
  /** The concurrency slots all workers share (slot-gate.ts), and this worker's index in them. */
  slots: SharedArrayBuffer;
  index: number;
  /** Test hook: block the worker's event loop this many ms on every turn (an overloaded client). */
  stallMs?: number;
}

interface ErrorShape {
  message: string;
  code?: string;
}

export type WireError =
  | { type: 'backend'; message: string; kind: ErrorKind; retryable: boolean; status?: number; retryAfterMs?: number }
  | { type: 'transport'; phase: 'request' | 'stream'; error: ErrorShape; cause?: ErrorShape }
  | { type: 'other'; error: ErrorShape };

function shape(e: unknown): ErrorShape {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  return { message: err.message, ...(typeof code === 'string' ? { code } : {}) };
}

export function toWire(e: unknown): WireError {
  if (e instanceof BackendError) {
    return {
      type: 'backend',
      message: e.message,
      kind: e.kind,
      retryable: e.retryable,
      ...(e.status !== undefined ? { status: e.status } : {}),
      ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
    };
  }
  if (e instanceof TransportError) {
    const inner = e.cause.cause;
    return { type: 'transport', phase: e.phase, error: shape(e.cause), ...(inner instanceof Error ? { cause: shape(inner) } : {}) };
  }
  return { type: 'other', error: shape(e) };
}

function rebuild(s: ErrorShape, cause?: ErrorShape): Error {
  const e = new Error(s.message, cause ? { cause: rebuild(cause) } : undefined);
  if (s.code !== undefined) (e as Error & { code?: string }).code = s.code;
  return e;
}

export function fromWire(w: WireError): Error {
  switch (w.type) {
    case 'backend':
      return new BackendError(w.message, {
        kind: w.kind,
        retryable: w.retryable,
        ...(w.status !== undefined ? { status: w.status } : {}),
        ...(w.retryAfterMs !== undefined ? { retryAfterMs: w.retryAfterMs } : {}),
      });
    case 'transport':
      return new TransportError(w.phase, rebuild(w.error, w.cause));
    case 'other':
      return rebuild(w.error);
  }
}
