// Maps HTTP failures of an OpenAI-compatible server to BackendErrors the runner can act on:
// 429, 408 and 5xx are retryable (with the server's Retry-After when given), as are dropped
// connections and resets; 401/403 say how to provide a key; other 4xx are final and carry the
// server's own message. Every message is built from a display URL (no credentials, no query) and
// passed through `redact`, because servers sometimes echo the key they rejected.

import { UserError } from '../errors.ts';
import { BackendError, parseRetryAfter } from './backend-error.ts';
import { redact } from './redact.ts';

export interface HttpFailure {
  status: number;
  statusText: string;
  bodyText: string;
  retryAfter: string | null;
  url: string;
  apiKey?: string;
  /** Wall-clock epoch ms for HTTP-date Retry-After values; Date.now() by default. */
  nowEpochMs?: number;
}

/** The URL as it may appear in a message: no user:password, no query string or fragment. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Checks --base-url before anything is sent or saved: an http(s) URL without user:password (fetch
 * refuses those and would quote them in its errors; config.json would keep them). Returns it.
 */
export function checkBaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`--base-url '${redact(url, undefined)}' is not a URL. Give the API root, e.g. http://127.0.0.1:8000/v1.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UserError(`--base-url ${displayUrl(url)} is not an http(s) URL. Give the API root, e.g. http://127.0.0.1:8000/v1.`);
  }
  if (u.username || u.password) {
    throw new UserError(
      `--base-url ${u.protocol}//***@${u.host}${u.pathname} contains a user name or password. Remove it from the URL and put the API key in OPENAI_API_KEY (or the variable named by --api-key-env); it is sent as a Bearer token and never saved.`,
    );
  }
  return url;
}

/** A response body as text, reading at most `maxBytes` (the rest is cancelled, not downloaded). */
export async function readBodyText(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - size;
      chunks.push(value.byteLength > room ? value.subarray(0, room) : value);
      size += Math.min(value.byteLength, room);
      if (size >= maxBytes) {
        await reader.cancel().catch(() => {});
        break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** The human part of an error body: OpenAI `{error:{message}}`, `{message}`, FastAPI `{detail}`, or text. */
export function serverMessage(bodyText: string): string {
  const text = bodyText.trim();
  let msg = text;
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null) {
      const b = body as Record<string, unknown>;
      const err = b.error;
      if (typeof err === 'object' && err !== null && typeof (err as Record<string, unknown>).message === 'string') {
        msg = (err as Record<string, unknown>).message as string;
      } else if (typeof err === 'string') msg = err;
      else if (typeof b.message === 'string') msg = b.message;
      else if (b.detail !== undefined) msg = typeof b.detail === 'string' ? b.detail : JSON.stringify(b.detail);
    }
  } catch {
    // not JSON: keep the text
  }
  return msg.length > 500 ? `${msg.slice(0, 500)}…` : msg;
}

export function errorFromResponse(f: HttpFailure): BackendError {
  const where = displayUrl(f.url);
  const said = serverMessage(f.bodyText);
  const head = `HTTP ${f.status}${f.statusText ? ` ${f.statusText}` : ''} from ${where}${said ? `: ${said}` : ''}`;
  const status = f.status;
  if (status === 429 || status === 408 || status >= 500) {
    const retryAfterMs = parseRetryAfter(f.retryAfter, f.nowEpochMs ?? Date.now());
    return new BackendError(redact(head, f.apiKey), {
      retryable: true,
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (status === 401 || status === 403) {
    const fix = f.apiKey
      ? 'The API key was rejected: check the value of OPENAI_API_KEY (or the variable named by --api-key-env).'
      : 'The server wants an API key: set OPENAI_API_KEY, or name another variable with --api-key-env.';
    return new BackendError(redact(`${head}. ${fix}`, f.apiKey), { status });
  }
  const hint = status === 404 ? '. Check that the base URL ends in /v1 and that the model is served there.' : '';
  return new BackendError(redact(`${head}${hint}`, f.apiKey), { status });
}

/** Codes of failures that retrying cannot fix (a malformed URL, an unsupported protocol). */
const FINAL_CODES = new Set(['ERR_INVALID_URL', 'ERR_INVALID_ARG_TYPE', 'UND_ERR_INVALID_ARG']);

/**
 * A fetch that threw a TypeError before any connection (no cause: fetch refused to build the
 * request, e.g. a URL with credentials) cannot succeed when repeated. Network failures carry a cause.
 */
function refusedByFetch(err: Error): boolean {
  return err.name === 'TypeError' && err.cause === undefined && !/fetch failed|terminated/i.test(err.message);
}

/** A fetch that threw or a body read that failed: connection refused, reset, closed mid-stream. */
export function errorFromNetwork(e: unknown, url: string, apiKey: string | undefined, phase: 'request' | 'stream'): BackendError {
  if (e instanceof BackendError) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const code = codeOf(cause) ?? codeOf(err);
  const detail = [err.message, cause && cause.message !== err.message ? cause.message : undefined, code]
    .filter((s): s is string => Boolean(s))
    .filter((s, i, all) => all.indexOf(s) === i)
    .join('; ');
  const what = phase === 'request' ? `Request to ${displayUrl(url)} failed` : `Stream from ${displayUrl(url)} broke off`;
  const final = (code !== undefined && FINAL_CODES.has(code)) || (phase === 'request' && refusedByFetch(err));
  return new BackendError(redact(`${what}: ${detail}`, apiKey), { retryable: !final });
}

function codeOf(e: Error | undefined): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
