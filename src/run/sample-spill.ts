// The samples of a suite's selection, without their images, written to a file as they stream by
// and read back in the same order when the suite is finalised. Final scoring needs each sample's
// references (and options); keeping them on disk instead of in memory is what keeps a long run's
// memory flat (a VQAv2 sample's ten answers alone cost ~400 bytes of heap).

import { openSync, rmSync } from 'node:fs';
import type { Sample } from '../types.ts';
import { createKeyIndex } from './key-index.ts';
import { createLineWriter, readLines } from './read-lines.ts';

/** A sample without its image bytes: what finalisation needs to score it again. */
export type SampleStub = Omit<Sample, 'images'> & { imageCount: number };

export interface SampleSpill {
  readonly path: string;
  readonly count: number;
  /** Whether the selection holds this id (an index in typed arrays, not a Set of strings). */
  has(id: string): boolean;
  /** Writes the sample without its images (their count instead). */
  add(sample: Sample): void;
  /** Every sample added, in order (flushes what is buffered first). */
  read(): Generator<SampleStub>;
  /** Deletes the file. */
  remove(): void;
}

/** The sample being written: its own `images` is left out, a nested field of that name is not. */
let root: unknown = null;

function omitImages(this: unknown, key: string, value: unknown): unknown {
  return key === 'images' && this === root ? undefined : value;
}

/** A stub read back as the Sample finalisation scores: its (absent) images as an empty list. */
export function sampleOfStub(stub: SampleStub): Sample {
  return Object.assign(stub, { images: [] });
}

export function createSampleSpill(path: string): SampleSpill {
  // small writes: stubs waiting in a big buffer would outlive young-generation collections and
  // be promoted to the old generation, whose garbage is what grows a long run's heap
  const writer = createLineWriter(openSync(path, 'w'), { flushBytes: 8192 });
  const ids = createKeyIndex();
  let count = 0;
  let closed = false;
  return {
    path,
    get count() {
      return count;
    },
    add(sample) {
      // the stub's JSON straight from the sample: no stub object is built, because `{ ...sample, x }`
      // on a hot path leaves garbage in V8's old generation (Node 20), growing a long run's heap
      root = sample;
      const json = JSON.stringify(sample, omitImages);
      root = null;
      writer.write(`${json.slice(0, -1)}${json.length > 2 ? ',' : ''}"imageCount":${sample.images.length}}`);
      ids.set(sample.id, count, 0, 0);
      count++;
    },
    has: (id) => ids.find(id) >= 0,
    *read() {
      if (!closed) writer.flush();
      for (const line of readLines(path)) if (line.terminated) yield JSON.parse(line.text) as SampleStub;
    },
    remove() {
      if (!closed) writer.close();
      closed = true;
      rmSync(path, { force: true });
    },
  };
}
