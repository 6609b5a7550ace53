// writeAll on short writes: write(2) may take fewer bytes than asked (a signal, a disk nearly full).
// Here every call takes at most 5 bytes, so writes end inside multi-byte characters.

import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeAll } from '../../src/run/read-lines.ts';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const SHORT = 5;
  const writeSync = (fd: number, data: string | NodeJS.ArrayBufferView, offset?: number, length?: number, position?: number | null): number => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const from = typeof data === 'string' ? 0 : (offset ?? 0);
    const size = typeof data === 'string' ? bytes.length : (length ?? bytes.length - from);
    return fs.writeSync(fd, bytes, from, Math.min(size, SHORT), typeof data === 'string' ? null : (position ?? null));
  };
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

describe('writeAll', () => {
  it('writes every byte when the system takes a few at a time, also inside a character', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'write-all-')), 'out.txt');
    const text = `${'é'.repeat(21)}✓ ${'日本'.repeat(7)}\n`;
    const fd = openSync(path, 'w');
    writeAll(fd, text);
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
