// capYoungGeneration freezes V8's young generation once it has reached half the cap: the flag is
// set at once when it is already there, else after the first collection that finds it there, and
// set again after every later collection (V8 resets it whenever a worker thread's isolate is
// created). V8 and the collections are stand-ins here.

import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { capYoungGeneration } from '../../src/run/young-generation.ts';

const MiB = 2 ** 20;

function stand() {
  let size = 0;
  let check: (() => void) | null = null;
  const flags: string[] = [];
  return {
    deps: {
      newSpaceBytes: () => size,
      setFlag: (f: string) => flags.push(f),
      afterGc: (c: () => void) => {
        check = c;
      },
    },
    grow(bytes: number) {
      size = bytes;
      check?.();
    },
    flags,
    observing: () => check !== null,
  };
}

describe('capYoungGeneration', () => {
  it('freezes the growth after the collection that finds half the cap reached', () => {
    const s = stand();
    s.grow(1 * MiB);
    capYoungGeneration(16, s.deps);
    expect(s.observing()).toBe(true);
    s.grow(4 * MiB);
    s.grow(8 * MiB - 1);
    expect(s.flags).toEqual([]);
    s.grow(8 * MiB);
    expect(s.flags).toEqual(['--semi-space-growth-factor=1']);
  });

  it('sets the flag again after every later collection, since a new isolate resets it', () => {
    const s = stand();
    capYoungGeneration(16, s.deps);
    s.grow(8 * MiB);
    s.grow(8 * MiB); // a worker started: V8 put the factor back to 2; the next collection restores 1
    s.grow(16 * MiB); // one doubling slipped in before that collection: still under the cap
    expect(s.flags).toEqual(Array(3).fill('--semi-space-growth-factor=1'));
    expect(s.observing()).toBe(true);
  });

  it('freezes at once when the young generation is already at half the cap', () => {
    const s = stand();
    s.grow(10 * MiB);
    capYoungGeneration(16, s.deps);
    expect(s.flags).toEqual(['--semi-space-growth-factor=1']);
    s.grow(10 * MiB);
    expect(s.flags).toHaveLength(2);
  });

  it('watches a space V8 has: new_space (a renamed space would leave the cap never applied)', () => {
    expect(getHeapSpaceStatistics().find((sp) => sp.space_name === 'new_space')?.space_size).toBeGreaterThan(0);
  });
});
