import { describe, expect, it } from 'vitest';
import { createSseParser, createSseReader, readSse, type SseParser, type SseStats } from '../../src/backends/sse.ts';
import { seededUniform } from '../../src/run/stats.ts';

const enc = new TextEncoder();

function streamOf(chunks: Uint8Array[], onCancel?: () => void): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
    cancel() {
      onCancel?.();
    },
  });
}

async function collect(chunks: Uint8Array[]): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readSse(streamOf(chunks))) out.push(e.data);
  return out;
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(bytes.slice(prev, c));
    prev = c;
  }
  return out;
}

// Keep-alives, a multi-line event, a field other than data, no space after the colon, a
// multi-byte character (split inside it at some cut positions) and [DONE].
const WIRE =
  ': keep-alive\n\n' +
  'data: {"choices":[{"delta":{"content":"héllo ☃"}}]}\n\n' +
  ': ping\n' +
  'event: message\nid: 7\ndata: line one\ndata:line two\n\n' +
  'data: {"choices":[],"usage":{"completion_tokens":2}}\n\n' +
  'data: [DONE]\n\n';
const EXPECTED = [
  '{"choices":[{"delta":{"content":"héllo ☃"}}]}',
  'line one\nline two',
  '{"choices":[],"usage":{"completion_tokens":2}}',
  '[DONE]',
];

describe('readSse', () => {
  it('parses the whole stream in one read', async () => {
    expect(await collect([enc.encode(WIRE)])).toEqual(EXPECTED);
  });

  it('gives the same events when split at every byte position (LF and CRLF)', async () => {
    for (const wire of [WIRE, WIRE.replaceAll('\n', '\r\n'), WIRE.replaceAll('\n', '\r')]) {
      const bytes = enc.encode(wire);
      for (let p = 0; p <= bytes.length; p++) {
        expect(await collect(splitAt(bytes, [p])), `${JSON.stringify(wire.slice(0, 8))} cut at ${p}`).toEqual(EXPECTED);
      }
    }
  });

  it('gives the same events one byte per read and with random multi-way splits', async () => {
    const bytes = enc.encode(WIRE.replaceAll('\n', '\r\n'));
    expect(await collect(splitAt(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)))).toEqual(EXPECTED);
    const rand = seededUniform(7);
    for (let trial = 0; trial < 200; trial++) {
      const cuts = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Math.floor(rand() * bytes.length)).sort((a, b) => a - b);
      expect(await collect(splitAt(bytes, cuts))).toEqual(EXPECTED);
    }
  });

  it('stamps each event with the arrival of the read that completed it', async () => {
    let clock = 0;
    const now = () => (clock += 10);
    const chunks = ['data: a\n', '\n', 'data: b\n\ndata: c\n\ndata: d'].map((s) => enc.encode(s));
    const events = [];
    for await (const e of readSse(streamOf(chunks), { now })) events.push(e);
    // One now() per read: a ends in read 2 (20), b and c in read 3 (30); d is unterminated and dropped.
    expect(events).toEqual([
      { data: 'a', arrivalMs: 20 },
      { data: 'b', arrivalMs: 30 },
      { data: 'c', arrivalMs: 30 },
    ]);
  });

  it('cancels the stream when the consumer stops early', async () => {
    let cancelled = false;
    const stream = streamOf([enc.encode('data: [DONE]\n\n'), enc.encode('data: more\n\n')], () => (cancelled = true));
    for await (const e of readSse(stream)) {
      expect(e.data).toBe('[DONE]');
      break;
    }
    expect(cancelled).toBe(true);
  });

  it('throws the abort reason when the signal aborts a stalled read', async () => {
    const stalled = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(enc.encode('data: x\n\n')); } });
    const ac = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const e of readSse(stalled, { signal: ac.signal })) {
        seen.push(e.data);
        setTimeout(() => ac.abort(), 20);
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['x']);
  });
});

/** The events completed by pushing `text`'s UTF-8 bytes. */
function push(p: SseParser, text: string | Uint8Array): string[] {
  const out: string[] = [];
  p.push(typeof text === 'string' ? enc.encode(text) : text, (d) => out.push(d));
  return out;
}

describe('createSseParser', () => {
  it('handles a CR at the end of one push and LF at the start of the next as one line break', () => {
    const p = createSseParser();
    expect(push(p, 'data: a\r')).toEqual([]);
    expect(push(p, '\n\r')).toEqual(['a']);
    expect(push(p, '\ndata: b\r\n\r\n')).toEqual(['b']);
  });

  it('treats a bare "data" line as an empty data line and ignores events without data', () => {
    const p = createSseParser();
    expect(push(p, 'data\ndata: x\n\n')).toEqual(['\nx']);
    expect(push(p, 'event: ping\nid: 3\nretry: 10\n\n')).toEqual([]);
    expect(push(p, ':only a comment\n\n\n\n')).toEqual([]);
    expect(push(p, 'datum: no\ndata2: no\nDATA: no\n\n')).toEqual([]);
  });

  it('keeps a value colon and only strips one leading space', () => {
    const p = createSseParser();
    expect(push(p, 'data:  two spaces: yes\n\n')).toEqual([' two spaces: yes']);
  });

  it('drops a byte order mark at the start of the stream, also split across pushes, and only there', () => {
    const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
    const wire = enc.encode('data: a\n\n');
    for (let cut = 0; cut <= 5; cut++) {
      const p = createSseParser();
      const bytes = new Uint8Array([...bom, ...wire]);
      expect([...push(p, bytes.slice(0, cut)), ...push(p, bytes.slice(cut))]).toEqual(['a']);
    }
    const later = createSseParser();
    expect(push(later, 'data: a\n\n')).toEqual(['a']);
    expect(push(later, new Uint8Array([...bom, ...wire]))).toEqual([]); // a field named "\uFEFFdata": ignored, as a decoder sees it
  });

  it('decodes invalid UTF-8 with replacement characters, as a stream decoder does', () => {
    const bytes = new Uint8Array([...enc.encode('data: a'), 0xe2, 0x82, ...enc.encode('b\n'), 0xff, ...enc.encode('\n\n')]);
    const expected = new TextDecoder().decode(bytes).split('\n')[0].slice('data: '.length);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const p = createSseParser();
      expect([...push(p, bytes.slice(0, cut)), ...push(p, bytes.slice(cut))]).toEqual([expected]);
    }
  });
});

describe('bounded reading', () => {
  /**
   * CPU milliseconds to parse one event of `bytes` data characters fed in 16 KiB pieces, the least
   * of five runs. CPU time, unlike wall time, does not grow when other processes share the cores.
   */
  function parseMs(bytes: number): number {
    const piece = enc.encode('x'.repeat(16 * 1024));
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const p = createSseParser();
      const cpu0 = process.cpuUsage();
      push(p, 'data: ');
      for (let sent = 0; sent < bytes; sent += piece.length) push(p, piece);
      const events = push(p, '\n\n');
      const cpu = process.cpuUsage(cpu0);
      times.push((cpu.user + cpu.system) / 1000);
      expect(events[0].length).toBe(bytes);
    }
    return Math.min(...times);
  }

  it('parses a long line in time linear in its size (8 MiB costs about 8x 1 MiB, not 64x)', () => {
    parseMs(1 << 20); // warm up the JIT
    const small = Math.max(parseMs(1 << 20), 0.5);
    const ratio = parseMs(8 << 20) / small;
    // A parser that rescans the unfinished line on every read is quadratic: 8x the size, ~64x the time.
    expect(ratio).toBeLessThan(24);
  });

  it('stops reading and cancels the body once it exceeds maxBytes', async () => {
    let pulled = 0;
    let cancelled = false;
    const chunk = enc.encode(`data: ${'y'.repeat(64 * 1024)}\n\n`);
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const stats: SseStats = { bytes: 0, events: 0, head: '' };
    const seen: number[] = [];
    const read = (async () => {
      for await (const e of readSse(endless, { maxBytes: 1_000_000, stats })) seen.push(e.data.length);
    })();
    await expect(read).rejects.toMatchObject({ name: 'BackendError', retryable: false, message: expect.stringMatching(/exceeded --max-response-bytes 1000000/) });
    expect(cancelled).toBe(true);
    expect(stats.bytes).toBeLessThanOrEqual(1_000_000 + chunk.byteLength);
    expect(pulled).toBeLessThan(20); // 1 MB / 64 KiB = 16 chunks, plus what the stream queued ahead
    expect(seen.length).toBe(15);
    expect(stats.head.startsWith('data: yyy')).toBe(true);
  });
});

describe('createSseReader', () => {
  it('counts bytes and events, keeps the head of a body that is not an event stream, and stops past maxBytes', () => {
    const seen: string[] = [];
    const html = `<html>${'é'.repeat(400)}</html>`;
    const bytes = enc.encode(html);
    const r = createSseReader({ maxBytes: bytes.length + 10, onData: (d) => seen.push(d) });
    r.push(bytes.slice(0, 7)); // splits the first 'é'
    r.push(bytes.slice(7));
    expect(r.stats).toEqual({ bytes: bytes.length, events: 0, head: html.slice(0, 300) });
    expect(() => r.push(enc.encode('x'.repeat(11)))).toThrow(/exceeded --max-response-bytes/);
    expect(seen).toEqual([]);
  });

  it('stops collecting the head once an event arrived (the body is an event stream)', () => {
    const seen: string[] = [];
    const r = createSseReader({ onData: (d) => seen.push(d) });
    r.push(enc.encode('data: one\n\n'));
    r.push(enc.encode('data: two\n\n'));
    expect(r.stats).toEqual({ bytes: 22, events: 2, head: 'data: one\n\n' });
    expect(seen).toEqual(['one', 'two']);
  });
});
