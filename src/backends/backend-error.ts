// A failed backend request as data the runner can act on (design.md, example 5: a sample's failure
// is data, never text scored as a wrong answer). `retryable` tells the runner to back off and try
// again (HTTP 429/5xx, dropped connections); otherwise it marks the sample errored with `kind`.
// Messages built here never contain the API key: `redact` scrubs it from anything a server echoes.

import type { ErrorKind } from '../types.ts';

export interface BackendErrorOptions {
  kind?: ErrorKind;
  retryable?: boolean;
  /** HTTP status of the response that failed, when there was one. */
  status?: number;
  /** The server's Retry-After, converted to milliseconds from now. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class BackendError extends Error {
  override name = 'BackendError';
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(message: string, options: BackendErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind ?? 'backend';
    this.retryable = options.retryable ?? false;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** True only for a BackendError that asks to be retried; anything else is final (or a bug). */
export function isRetryable(e: unknown): boolean {
  return e instanceof BackendError && e.retryable;
}

/**
 * Parses an HTTP Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 * Returns milliseconds from `nowEpochMs` (never negative), or undefined when absent or unparsable.
 */
export function parseRetryAfter(value: string | null | undefined, nowEpochMs: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  if (!/^[A-Za-z]{3}/.test(v)) return undefined; // IMF-fixdate and the obsolete forms start with a day name
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowEpochMs);
}

export { redact } from './redact.ts';
