// Incremental Server-Sent Events reader for streamed completions. TCP reads split and merge events
// arbitrarily, so bytes are decoded incrementally and lines are buffered until the blank line that
// ends an event (spec/serving-metrics.md §1.6; WHATWG HTML "Server-sent events", event stream
// interpretation). Each event is stamped with the monotonic time at which the read holding its end
// arrived, which is what TTFT and ITL are computed from (spec §0.1, §1.1).
//
// Handled: LF, CRLF and CR line endings (also a CRLF split across reads), `:` comment/keep-alive
// lines, multi-line `data:` (joined with "\n"), fields other than `data` (ignored), and a UTF-8
// character split across reads. `data: [DONE]` is yielded like any other event; the caller stops.
// An event that was not terminated by a blank line when the stream ends is dropped, as the spec says.
//
// Bounded: every character is scanned once (the unfinished line is kept as pieces and joined once
// when its end arrives), so a multi-MiB line costs time linear in its size; and `maxBytes` stops the
// read, and cancels the body, as soon as a response grows past it.

import { BackendError } from './backend-error.ts';

export interface SseEvent {
  /** The event's data lines joined with "\n". */
  data: string;
  /** Monotonic ms (the injected `now`) when the chunk containing the event's end arrived. */
  arrivalMs: number;
}

export interface SseParser {
  /** Feeds decoded text; returns the data of every event completed by it. */
  push(text: string): string[];
}

const LINE_END = /[\r\n]/g;

/** A pure, stateful line/event splitter; exposed for tests and for non-stream sources. */
export function createSseParser(): SseParser {
  let pending: string[] = []; // pieces of the line whose end has not arrived yet
  let skipLf = false; // the previous text ended in CR, so a leading LF belongs to that line break
  let data: string[] = [];
  let hasData = false;

  function line(l: string, out: string[]): void {
    if (l === '') {
      if (hasData) out.push(data.join('\n'));
      data = [];
      hasData = false;
      return;
    }
    if (l.charCodeAt(0) === 58 /* ':' */) return;
    const colon = l.indexOf(':');
    const field = colon === -1 ? l : l.slice(0, colon);
    if (field !== 'data') return;
    let value = colon === -1 ? '' : l.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* ' ' */) value = value.slice(1);
    data.push(value);
    hasData = true;
  }

  return {
    push(text) {
      const out: string[] = [];
      if (text.length === 0) return out;
      let start = skipLf && text.charCodeAt(0) === 10 ? 1 : 0;
      skipLf = false;
      LINE_END.lastIndex = start;
      for (let m = LINE_END.exec(text); m !== null; m = LINE_END.exec(text)) {
        const end = m.index;
        const piece = text.slice(start, end);
        line(pending.length ? pending.join('') + piece : piece, out);
        pending = [];
        start = end + 1;
        if (text.charCodeAt(end) === 13) {
          if (start === text.length) skipLf = true;
          else if (text.charCodeAt(start) === 10) start++;
        }
        LINE_END.lastIndex = start;
      }
      if (start < text.length) pending.push(text.slice(start));
      return out;
    },
  };
}

/** What a read saw on the wire, filled in as it goes (for messages about bodies that are not SSE). */
export interface SseStats {
  /** Bytes of the body read so far. */
  bytes: number;
  /** Events yielded so far. */
  events: number;
  /** The first characters of the body, for messages when it turns out not to be an event stream. */
  head: string;
}

const HEAD_CHARS = 300;

/**
 * --max-response-bytes by default: 8 MiB. A streamed token costs about 150-300 bytes of SSE framing
 * and JSON (more with continuous usage stats), so this leaves room for ~30k output tokens.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 2 ** 20;

export interface ReadSseOptions {
  /** Monotonic clock in ms; performance.now() by default. */
  now?: () => number;
  /** Cancels the read; the generator then throws the signal's reason. */
  signal?: AbortSignal;
  /** The read stops with a BackendError once the body exceeds this many bytes (none by default). */
  maxBytes?: number;
  /** Filled in during the read. */
  stats?: SseStats;
}

/** The error for a response past --max-response-bytes: final (a retry would get the same answer). */
export function responseTooLarge(maxBytes: number, read: number): BackendError {
  return new BackendError(
    `The response exceeded --max-response-bytes ${maxBytes} (${mib(read)} read when the harness stopped reading). ` +
      'Raise --max-response-bytes, or check why the server sends so much (max tokens, a runaway generation).',
  );
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Yields the events of an SSE byte stream as they arrive, each with its arrival time. */
export async function* readSse(
  stream: ReadableStream<Uint8Array>,
  options: ReadSseOptions = {},
): AsyncGenerator<SseEvent, void, undefined> {
  const now = options.now ?? (() => performance.now());
  const signal = options.signal;
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const stats = options.stats ?? { bytes: 0, events: 0, head: '' };
  const reader = stream.getReader();
  const decoder = new TextDecoder('utf-8');
  const parser = createSseParser();
  const onAbort = (): void => {
    reader.cancel(signal?.reason).catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  try {
    signal?.throwIfAborted();
    for (;;) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) {
        finished = true;
        for (const data of parser.push(decoder.decode())) {
          stats.events++;
          yield { data, arrivalMs: now() };
        }
        return;
      }
      stats.bytes += value.byteLength;
      if (stats.bytes > maxBytes) throw responseTooLarge(maxBytes, stats.bytes);
      const arrivalMs = now();
      const text = decoder.decode(value, { stream: true });
      if (stats.head.length < HEAD_CHARS) stats.head += text.slice(0, HEAD_CHARS - stats.head.length);
      const events = parser.push(text);
      for (const data of events) {
        stats.events++;
        yield { data, arrivalMs };
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // The consumer stopped early (e.g. at [DONE]) or failed: release the connection.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
