// Synthetic VQAv2 splits of any size for the load and memory benchmarks: the bundled sample's rows
// (real lmms-lab VQAv2 schema, ten annotator answers, JPEG scenes) repeated with fresh question ids,
// written 100-row group by 100-row group with writeParquetBatches, in shards of 10,000 rows as the
// Hub's ~500 MB shards of VQAv2 hold about that many. Images repeat, as VQAv2's do (5.3 questions
// per image), so the run validates each distinct image once.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeParquetBatches } from '../src/data/write-parquet.ts';
import { vqav2Samples } from '../scripts/samples/vqav2.ts';

const GROUP = 100;

const SHARD = 10_000;

/** Writes `rows` rows as shards `validation-0000i-of-0000n.parquet` under `dir`; returns the question ids in order. */
export async function writeSyntheticVqav2(dir: string, rows: number): Promise<number[]> {
  const base = await vqav2Samples.rows();
  const ids: number[] = [];
  const shards = Math.max(1, Math.ceil(rows / SHARD));
  for (let s = 0; s < shards; s++) {
    const first = s * SHARD;
    const last = Math.min(rows, first + SHARD);
    function* batches(): Generator<Array<Record<string, unknown>>> {
      for (let start = first; start < last; start += GROUP) {
        const batch: Array<Record<string, unknown>> = [];
        for (let i = start; i < Math.min(last, start + GROUP); i++) {
          const id = 5_000_000 + i;
          ids.push(id);
          batch.push({ ...base[i % base.length], question_id: id });
        }
        yield batch;
      }
    }
    const name = `validation-${String(s).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.parquet`;
    await writeParquetBatches(join(dir, name), { features: vqav2Samples.features, batches: batches(), rowGroupSize: GROUP });
  }
  return ids;
}

/** A replay predictions file for those ids: `{"id", "prediction"}` per line. */
export function writePredictions(file: string, ids: readonly number[]): void {
  writeFileSync(file, ids.map((id, i) => `${JSON.stringify({ id: String(id), prediction: ['yes', 'no', '2', 'blue'][i % 4] })}\n`).join(''));
}
