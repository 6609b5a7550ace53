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

/** A pure, stateful line/event splitter; exposed for tests and for non-stream sources. */
export function createSseParser(): SseParser {
  let buf = '';
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
      const s = buf + text;
      buf = '';
      let i = 0;
      if (skipLf && s.charCodeAt(0) === 10) i = 1;
      skipLf = false;
      let start = i;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        line(s.slice(start, i), out);
        if (c === 13) {
          if (i + 1 < s.length) {
            if (s.charCodeAt(i + 1) === 10) i++;
          } else {
            skipLf = true;
          }
        }
        start = i + 1;
      }
      buf = s.slice(start);
      return out;
    },
  };
}

export interface ReadSseOptions {
  /** Monotonic clock in ms; performance.now() by default. */
  now?: () => number;
  /** Cancels the read; the generator then throws the signal's reason. */
  signal?: AbortSignal;
}

/** Yields the events of an SSE byte stream as they arrive, each with its arrival time. */
export async function* readSse(
  stream: ReadableStream<Uint8Array>,
  options: ReadSseOptions = {},
): AsyncGenerator<SseEvent, void, undefined> {
  const now = options.now ?? (() => performance.now());
  const signal = options.signal;
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
        for (const data of parser.push(decoder.decode())) yield { data, arrivalMs: now() };
        return;
      }
      const arrivalMs = now();
      const events = parser.push(decoder.decode(value, { stream: true }));
      for (const data of events) yield { data, arrivalMs };
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // The consumer stopped early (e.g. at [DONE]) or failed: release the connection.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
