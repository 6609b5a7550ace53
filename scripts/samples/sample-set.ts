// What each scripts/samples/<suite>.ts provides to scripts/make-samples.ts: where the file goes
// (the path inside the Hub repo, so src/data/dataset.ts's globs find it), the real dataset's
// `datasets` features, and the rows.

import type { Features } from '../../src/data/write-parquet.ts';
import type { SuiteId } from '../../src/types.ts';

export interface SampleSet {
  suite: SuiteId;
  /** The real dataset's repo, for the README and messages. */
  repo: string;
  /** Path of the file inside the repo, e.g. `data/test-00000-of-00001.parquet`. */
  file: string;
  features: Features;
  rows(): Promise<Array<Record<string, unknown>>>;
}
