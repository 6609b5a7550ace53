// Incremental Server-Sent Events reader for streamed completions. TCP reads split and merge events
// arbitrarily, so lines are buffered until the blank line that ends an event (spec/serving-metrics.md
// §1.6; WHATWG HTML "Server-sent events", event stream interpretation). Each event is stamped with
// the monotonic time at which the read holding its end arrived, which is what TTFT and ITL are
// computed from (spec §0.1, §1.1).
//
// Handled: LF, CRLF and CR line endings (also a CRLF split across reads), `:` comment/keep-alive
// lines, multi-line `data:` (joined with "\n"), fields other than `data` (ignored), a UTF-8
// character split across reads, and a UTF-8 byte order mark at the start of the stream (dropped, as
// a decoder of the stream drops it). `data: [DONE]` is yielded like any other event; the caller
// stops. An event that was not terminated by a blank line when the stream ends is dropped, as the
// spec says.
//
// Bytes, not text: lines are split on the bytes CR and LF (which never occur inside a UTF-8
// multi-byte character), and only a `data` line's value is decoded, once its line has ended. The
// load generator reads hundreds of streams at once with this parser; decoding every read into a
// string, splitting it with a regex and joining pieces cost it more than the HTTP client itself.
//
// Bounded: every byte is scanned once (the unfinished line is kept as pieces and joined once when
// its end arrives), so a multi-MiB line costs time linear in its size; and `maxBytes` stops the
// read as soon as a response grows past it.

import { BackendError } from './backend-error.ts';

export interface SseEvent {
  /** The event's data lines joined with "\n". */
  data: string;
  /** Monotonic ms (the injected `now`) when the chunk containing the event's end arrived. */
  arrivalMs: number;
}

export interface SseParser {
  /** Feeds the next bytes of the stream; calls `onData` with the data of every event they complete. */
  push(bytes: Uint8Array, onData: (data: string) => void): void;
}

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;

/** A Buffer view of the bytes (no copy), for its native indexOf and UTF-8 decoding. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A pure, stateful line/event splitter over bytes; exposed for tests and for non-stream sources. */
export function createSseParser(): SseParser {
  let pending: Buffer[] = []; // pieces of the line whose end has not arrived yet
  let pendingBytes = 0;
  let skipLf = false; // the previous bytes ended in CR, so a leading LF belongs to that line break
  let firstLine = true;
  let data: string | null = null; // the event's first data line
  let more: string[] | null = null; // its further data lines, if any

  function line(buf: Buffer, start: number, end: number, onData: (data: string) => void): void {
    if (firstLine) {
      firstLine = false;
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    }
    if (start === end) {
      if (data !== null) onData(more === null ? data : `${data}\n${more.join('\n')}`);
      data = null;
      more = null;
      return;
    }
    // the field name must be exactly `data`, followed by `:` or the end of the line
    if (end - start < 4 || buf[start] !== 100 || buf[start + 1] !== 97 || buf[start + 2] !== 116 || buf[start + 3] !== 97) return;
    let value = start + 4;
    if (value < end) {
      if (buf[value] !== COLON) return;
      value++;
      if (value < end && buf[value] === SPACE) value++;
    }
    const text = value === end ? '' : buf.toString('utf8', value, end);
    if (data === null) data = text;
    else (more ??= []).push(text);
  }

  return {
    push(bytes, onData) {
      const buf = asBuffer(bytes);
      const n = buf.length;
      let pos = 0;
      if (skipLf && n > 0) {
        skipLf = false;
        if (buf[0] === LF) pos = 1;
      }
      // the next LF and CR at or after pos (-1: none left in these bytes); each byte is searched once
      let lf = -2;
      let cr = -2;
      while (pos < n) {
        if (lf !== -1 && lf < pos) lf = buf.indexOf(LF, pos);
        if (cr !== -1 && cr < pos) cr = buf.indexOf(CR, pos);
        const end = lf === -1 ? cr : cr === -1 || lf < cr ? lf : cr;
        if (end === -1) break;
        if (pendingBytes > 0) {
          pending.push(buf.subarray(pos, end));
          const whole = Buffer.concat(pending, pendingBytes + end - pos);
          pending = [];
          pendingBytes = 0;
          line(whole, 0, whole.length, onData);
        } else {
          line(buf, pos, end, onData);
        }
        pos = end + 1;
        if (end === cr) {
          if (pos === n) skipLf = true;
          else if (buf[pos] === LF) pos++;
        }
      }
      if (pos < n) {
        pending.push(buf.subarray(pos));
        pendingBytes += n - pos;
      }
    },
  };
}

/** What a read saw on the wire, filled in as it goes (for messages about bodies that are not SSE). */
export interface SseStats {
  /** Bytes of the body read so far. */
  bytes: number;
  /** Events seen so far. */
  events: number;
  /**
   * The first characters of the body (up to 300), for messages when it turns out not to be an event
   * stream; collected until the first event arrives (from then on it is one).
   */
  head: string;
}

const HEAD_CHARS = 300;
/** Enough bytes for HEAD_CHARS characters of UTF-8 (at most 4 bytes each, plus a split one). */
const HEAD_BYTES = 4 * HEAD_CHARS + 3;

/**
 * --max-response-bytes by default: 8 MiB. A streamed token costs about 150-300 bytes of SSE framing
 * and JSON (more with continuous usage stats), so this leaves room for ~30k output tokens.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 2 ** 20;

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

export interface SseReaderOptions {
  /** A body larger than this many bytes stops the read with a BackendError (none by default). */
  maxBytes?: number;
  /** Called with each event's data as the bytes that complete it are pushed. */
  onData(data: string): void;
}

export interface SseReader {
  /** Feeds the next read of the body; throws responseTooLarge once the body exceeds maxBytes. */
  push(bytes: Uint8Array): void;
  readonly stats: SseStats;
}

/**
 * One response body read as an event stream, from the reads as they arrive: counts its bytes
 * against maxBytes, keeps its head and counts its events. Push-based, so a client reading a
 * socket's 'data' events parses each read in the callback that delivered it.
 */
export function createSseReader(o: SseReaderOptions): SseReader {
  const maxBytes = o.maxBytes ?? Number.POSITIVE_INFINITY;
  const stats: SseStats = { bytes: 0, events: 0, head: '' };
  const parser = createSseParser();
  const onData = o.onData;
  const onEvent = (data: string): void => {
    stats.events++;
    onData(data);
  };
  let headDecoder: InstanceType<typeof TextDecoder> | null = null;
  return {
    stats,
    push(bytes) {
      stats.bytes += bytes.byteLength;
      if (stats.bytes > maxBytes) throw responseTooLarge(maxBytes, stats.bytes);
      if (stats.events === 0 && stats.head.length < HEAD_CHARS) {
        headDecoder ??= new TextDecoder('utf-8');
        const text = headDecoder.decode(bytes.byteLength > HEAD_BYTES ? bytes.subarray(0, HEAD_BYTES) : bytes, { stream: true });
        stats.head += text.slice(0, HEAD_CHARS - stats.head.length);
      }
      parser.push(bytes, onEvent);
    },
  };
}
