import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/run/read-lines.ts';

describe('readLines', () => {
  it('reads lines longer than its buffer and characters split across reads, with byte offsets', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'read-lines-')), 'lines.txt');
    const lines = ['a', 'é'.repeat(700_000), '', 'x'.repeat(3_000_000), '✓ end'];
    writeFileSync(file, `${lines.join('\n')}\ntorn`);
    const got = [...readLines(file)];
    expect(got.map((l) => l.text)).toEqual([...lines, 'torn']);
    expect(got.map((l) => l.terminated)).toEqual([true, true, true, true, true, false]);
    let offset = 0;
    lines.forEach((l, i) => {
      expect(got[i]).toMatchObject({ offset, length: Buffer.byteLength(l) });
      offset += Buffer.byteLength(l) + 1;
    });
  });
});
