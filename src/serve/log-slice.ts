// A sweep's server runs through every point and logs into the sweep directory; each point's run
// directory gets the part of that log written while it ran, so a point's run is complete on its own.

import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';

/** Copies bytes [start, end) of `from` into `to` (an empty file when there are none). */
export function copyLogSlice(p: { from: string; start: number; end: number; to: string }): void {
  const length = Math.max(0, p.end - p.start);
  const buf = Buffer.alloc(length);
  let read = 0;
  if (length > 0) {
    const fd = openSync(p.from, 'r');
    try {
      while (read < length) {
        const n = readSync(fd, buf, read, length - read, p.start + read);
        if (n === 0) break;
        read += n;
      }
    } finally {
      closeSync(fd);
    }
  }
  writeFileSync(p.to, buf.subarray(0, read));
}
