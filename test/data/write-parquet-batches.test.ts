// writeParquetBatches: batches append as row groups of one file that reads back like parquetBytes'.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readParquetInfo, readParquetRows } from '../../src/data/parquet-rows.ts';
import { imageFeature, valueFeature, writeParquetBatches } from '../../src/data/write-parquet.ts';
import { withTempDir } from './parquet-fixtures.ts';

describe('writeParquetBatches', () => {
  it('writes each batch as row groups of at most rowGroupSize rows, with the features metadata', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'sub', 'x.parquet');
      const features = { id: valueFeature('int64'), image: imageFeature() };
      function* batches() {
        for (let b = 0; b < 3; b++) yield Array.from({ length: 150 }, (_, i) => ({ id: b * 150 + i, image: { bytes: new Uint8Array([b, i % 256]), path: null } }));
      }
      expect(await writeParquetBatches(file, { features, batches: batches(), rowGroupSize: 100 })).toEqual({ rows: 450 });
      const info = await readParquetInfo(file);
      expect(info).toMatchObject({ numRows: 450, rowGroups: 6, columns: ['id', 'image'], features });
      const ids: number[] = [];
      for await (const row of readParquetRows(file)) ids.push(row.id as number);
      expect(ids).toEqual(Array.from({ length: 450 }, (_, i) => i));
    });
  });
});
