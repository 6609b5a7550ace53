import { describe, expect, it } from 'vitest';
import { createSseParser, createSseReader, type SseParser } from '../../src/backends/sse.ts';
import { seededUniform } from '../../src/run/stats.ts';

const enc = new TextEncoder();

/** The events of a body that arrives in these reads, as the client's reader parses them. */
function collect(chunks: Uint8Array[]): string[] {
  const out: string[] = [];
  const reader = createSseReader({ onData: (d) => out.push(d) });
  for (const chunk of chunks) reader.push(chunk);
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

describe('createSseReader: events at every split of the reads', () => {
  it('parses the whole stream in one read', () => {
    expect(collect([enc.encode(WIRE)])).toEqual(EXPECTED);
  });

  it('gives the same events when split at every byte position (LF and CRLF)', () => {
    for (const wire of [WIRE, WIRE.replaceAll('\n', '\r\n'), WIRE.replaceAll('\n', '\r')]) {
      const bytes = enc.encode(wire);
      for (let p = 0; p <= bytes.length; p++) {
        expect(collect(splitAt(bytes, [p])), `${JSON.stringify(wire.slice(0, 8))} cut at ${p}`).toEqual(EXPECTED);
      }
    }
  });

  it('gives the same events one byte per read and with random multi-way splits', () => {
    const bytes = enc.encode(WIRE.replaceAll('\n', '\r\n'));
    expect(collect(splitAt(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)))).toEqual(EXPECTED);
    const rand = seededUniform(7);
    for (let trial = 0; trial < 200; trial++) {
      const cuts = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Math.floor(rand() * bytes.length)).sort((a, b) => a - b);
      expect(collect(splitAt(bytes, cuts))).toEqual(EXPECTED);
    }
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

  it('stops reading once the body exceeds maxBytes', () => {
    const chunk = enc.encode(`data: ${'y'.repeat(64 * 1024)}\n\n`);
    const seen: number[] = [];
    const reader = createSseReader({ maxBytes: 1_000_000, onData: (d) => seen.push(d.length) });
    let pushed = 0;
    const read = () => {
      for (;;) {
        pushed++;
        reader.push(chunk);
      }
    };
    expect(read).toThrow(expect.objectContaining({ name: 'BackendError', retryable: false, message: expect.stringMatching(/exceeded --max-response-bytes 1000000/) }));
    expect(reader.stats.bytes).toBeLessThanOrEqual(1_000_000 + chunk.byteLength);
    expect(pushed).toBeLessThan(20); // 1 MB / 64 KiB = 16 chunks
    expect(seen.length).toBe(15);
    expect(reader.stats.head.startsWith('data: yyy')).toBe(true);
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
