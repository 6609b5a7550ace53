import { describe, expect, it } from 'vitest';
import { BackendError, isRetryable, parseRetryAfter, redact } from '../../src/backends/backend-error.ts';
import { errorFromResponse, serverMessage } from '../../src/backends/http-errors.ts';

describe('BackendError', () => {
  it('defaults to a final backend error and is retryable only when it says so', () => {
    const e = new BackendError('x');
    expect([e.name, e.kind, e.retryable, e.status, e.retryAfterMs]).toEqual(['BackendError', 'backend', false, undefined, undefined]);
    expect(e).toBeInstanceOf(Error);
    expect(isRetryable(e)).toBe(false);
    expect(isRetryable(new BackendError('y', { retryable: true, status: 503, retryAfterMs: 5 }))).toBe(true);
    expect(isRetryable(new Error('plain'))).toBe(false);
    expect(isRetryable({ retryable: true })).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0.5 ', now)).toBe(500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });
  it('is undefined when absent or unparsable', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});

describe('http errors', () => {
  it('extracts the server message from the common body shapes', () => {
    expect(serverMessage('{"error":{"message":"m1"}}')).toBe('m1');
    expect(serverMessage('{"object":"error","message":"m2"}')).toBe('m2');
    expect(serverMessage('{"detail":[{"msg":"field required"}]}')).toBe('[{"msg":"field required"}]');
    expect(serverMessage('plain text')).toBe('plain text');
    expect(serverMessage('x'.repeat(600))).toHaveLength(501);
  });

  it('maps statuses, hides credentials in the URL and redacts the key', () => {
    const base = { statusText: '', bodyText: '{"error":{"message":"key sk-1 bad"}}', retryAfter: null, url: 'http://u:pw@h:1/v1/chat/completions?x=1', apiKey: 'sk-1' };
    const e401 = errorFromResponse({ ...base, status: 401 });
    expect(e401.message).toBe('HTTP 401 from http://h:1/v1/chat/completions: key *** bad. The API key was rejected: check the value of OPENAI_API_KEY (or the variable named by --api-key-env).');
    expect(errorFromResponse({ ...base, status: 408 }).retryable).toBe(true);
    expect(errorFromResponse({ ...base, status: 502, retryAfter: '7' })).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(errorFromResponse({ ...base, status: 422 })).toMatchObject({ retryable: false, kind: 'backend', status: 422 });
    expect(errorFromResponse({ ...base, status: 404 }).message).toContain('ends in /v1');
  });

  it('redact replaces every occurrence and ignores an empty secret', () => {
    expect(redact('a k b k', 'k')).toBe('a *** b ***');
    expect(redact('abc', '')).toBe('abc');
    expect(redact('abc', undefined)).toBe('abc');
  });
});

describe('parseRetryAfter obsolete date forms', () => {
  it('accepts the RFC 850 form', () => {
    expect(parseRetryAfter('Wednesday, 01-Jan-25 00:00:05 GMT', Date.parse('2025-01-01T00:00:00Z'))).toBe(5000);
  });
});
