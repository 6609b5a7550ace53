import { describe, expect, it } from 'vitest';
import { createSseParser, readSse, type SseStats } from '../../src/backends/sse.ts';
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

describe('createSseParser', () => {
  it('handles a CR at the end of one push and LF at the start of the next as one line break', () => {
    const p = createSseParser();
    expect(p.push('data: a\r')).toEqual([]);
    expect(p.push('\n\r')).toEqual(['a']);
    expect(p.push('\ndata: b\r\n\r\n')).toEqual(['b']);
  });

  it('treats a bare "data" line as an empty data line and ignores events without data', () => {
    const p = createSseParser();
    expect(p.push('data\ndata: x\n\n')).toEqual(['\nx']);
    expect(p.push('event: ping\nid: 3\nretry: 10\n\n')).toEqual([]);
    expect(p.push(':only a comment\n\n\n\n')).toEqual([]);
  });

  it('keeps a value colon and only strips one leading space', () => {
    const p = createSseParser();
    expect(p.push('data:  two spaces: yes\n\n')).toEqual([' two spaces: yes']);
  });
});

describe('bounded reading', () => {
  /**
   * CPU milliseconds to parse one event of `bytes` data characters fed in 16 KiB pieces, the least
   * of five runs. CPU time, unlike wall time, does not grow when other processes share the cores.
   */
  function parseMs(bytes: number): number {
    const piece = 'x'.repeat(16 * 1024);
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const p = createSseParser();
      const cpu0 = process.cpuUsage();
      p.push('data: ');
      for (let sent = 0; sent < bytes; sent += piece.length) p.push(piece);
      const events = p.push('\n\n');
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
