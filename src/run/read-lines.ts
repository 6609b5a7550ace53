// Reads a text file line by line in 1 MiB blocks, with each line's byte offset, so that the
// journal, the sample spill and saved predictions are read without holding a whole file (or an
// array of all its lines) in memory. Synchronous: callers run it at open and at finalisation.

import { closeSync, openSync, readSync, writeSync } from 'node:fs';

export interface Line {
  text: string;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Bytes of the line, without its newline. */
  length: number;
  /** False only for a last line that has no newline after it (a torn write). */
  terminated: boolean;
}

const BLOCK = 1 << 20;

export function* readLines(path: string): Generator<Line> {
  const fd = openSync(path, 'r');
  try {
    // One buffer for the whole file: the unfinished end of a block moves to its front and the next
    // read fills the rest (it doubles only for a line longer than itself). No buffer per block:
    // a read of a long journal leaves no garbage outside the heap.
    let buf = Buffer.allocUnsafe(BLOCK);
    let kept = 0; // bytes at the front of `buf` carried over from the previous read
    let keptOffset = 0; // file offset of buf[0]
    for (;;) {
      if (kept === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, kept);
        buf = bigger;
      }
      const n = readSync(fd, buf, kept, buf.length - kept, null);
      if (n === 0) break;
      const end = kept + n;
      const filled = buf.subarray(0, end);
      let start = 0;
      for (let nl = filled.indexOf(10, start); nl !== -1; nl = filled.indexOf(10, start)) {
        yield { text: filled.toString('utf8', start, nl), offset: keptOffset + start, length: nl - start, terminated: true };
        start = nl + 1;
      }
      buf.copy(buf, 0, start, end);
      kept = end - start;
      keptOffset += start;
    }
    if (kept) yield { text: buf.toString('utf8', 0, kept), offset: keptOffset, length: kept, terminated: false };
  } finally {
    closeSync(fd);
  }
}

/** Reads `length` bytes at `offset` as UTF-8 through one reusable buffer (no buffer per read). */
export function createRecordReader() {
  let scratch = Buffer.allocUnsafe(1 << 16);
  return (fd: number, offset: number, length: number): string => {
    if (length > scratch.length) scratch = Buffer.allocUnsafe(Math.max(length, scratch.length * 2));
    for (let got = 0; got < length; ) {
      const n = readSync(fd, scratch, got, length - got, offset + got);
      if (n === 0) throw new Error(`the file ended inside a record at byte ${offset}`);
      got += n;
    }
    return scratch.toString('utf8', 0, length);
  };
}

/** Appends lines through a buffer, so a long run does not cost one write call per small line. */
export interface LineWriter {
  write(line: string): void;
  /** Bytes written so far (buffered included). */
  readonly bytes: number;
  flush(): void;
  close(): void;
}

export function createLineWriter(fd: number, opts: { flushBytes?: number } = {}): LineWriter {
  const flushBytes = opts.flushBytes ?? 1 << 16;
  let pending: string[] = [];
  let pendingChars = 0;
  let bytes = 0;
  const flush = () => {
    if (!pending.length) return;
    // a string is encoded into a native buffer that is freed at once: no ArrayBuffer garbage
    writeAll(fd, pending.join(''));
    pending = [];
    pendingChars = 0;
  };
  return {
    write(line) {
      pending.push(line, '\n');
      pendingChars += line.length + 1;
      bytes += Buffer.byteLength(line) + 1;
      if (pendingChars >= flushBytes) flush();
    },
    get bytes() {
      return bytes;
    },
    flush,
    close() {
      flush();
      closeSync(fd);
    },
  };
}

/** Writes all of `text` (a large write may be partial). */
export function writeAll(fd: number, text: string): void {
  const n = writeSync(fd, text);
  const total = Buffer.byteLength(text);
  if (n >= total) return;
  // A short write can end inside a character: the rest goes on as bytes, never re-decoded as text.
  const bytes = Buffer.from(text);
  for (let done = n; done < total; ) done += writeSync(fd, bytes, done);
}
