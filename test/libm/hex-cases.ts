// Reads the libm fixtures (test/fixtures/libm, written by scripts/libm/gen-libm-fixtures.py): one
// case per line, each double as the 16 hex digits of its IEEE-754 bits.

import { readFileSync } from 'node:fs';

const view = new DataView(new ArrayBuffer(8));

export function fromBits(hex: string): number {
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

export function toBits(x: number): string {
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

export function readCases(name: string): number[][] {
  const text = readFileSync(new URL(`../fixtures/libm/${name}`, import.meta.url), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => line.split(' ').map(fromBits));
}

/** Same double (NaN equals NaN; +0 and -0 differ). */
export function sameDouble(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}
