import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readParquetInfo, readParquetRows } from '../../src/data/parquet-rows.ts';
import { imageFeature, parquetBytes, sequenceFeature, valueFeature, writeParquet } from '../../src/data/write-parquet.ts';
import type { Features } from '../../src/data/write-parquet.ts';
import { corruptRowGroup, makeImage, withTempDir, writeBytes } from './parquet-fixtures.ts';

async function collect(file: string, options?: Parameters<typeof readParquetRows>[1]): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  for await (const row of readParquetRows(file, options)) rows.push(row);
  return rows;
}

const FEATURES: Features = {
  question_id: valueFeature('int64'),
  question: valueFeature('string'),
  answers: [{ answer: valueFeature('string'), answer_confidence: valueFeature('string'), answer_id: valueFeature('int64') }],
  tags: sequenceFeature(valueFeature('string')),
  license: valueFeature('int8'),
  width: valueFeature('int32'),
  image: imageFeature(),
  image_2: imageFeature(),
};

const numbered = (n: number, rowGroupSize: number) => ({
  features: { id: valueFeature('int64'), name: valueFeature('string') } satisfies Features,
  rows: Array.from({ length: n }, (_, i) => ({ id: i, name: `row ${i}` })),
  rowGroupSize,
});

describe('readParquetRows', () => {
  it('round-trips struct, list, list<struct>, int64, int8 and null columns as plain values', async () => {
    const png = await makeImage(8, 6);
    const rows = [
      {
        question_id: 262148000,
        question: 'What is it?',
        answers: [
          { answer: 'a cat', answer_confidence: 'yes', answer_id: 1 },
          { answer: 'cat', answer_confidence: 'maybe', answer_id: 2 },
        ],
        tags: ['x', 'y'],
        license: 3,
        width: 640,
        image: { bytes: png, path: 'cat.png' },
        image_2: null,
      },
      {
        question_id: 2n ** 60n,
        question: 'Second?',
        answers: [],
        tags: null,
        license: -1,
        width: 1,
        image: { bytes: png, path: null },
        image_2: { bytes: png, path: null },
      },
    ];
    await withTempDir(async (dir) => {
      const file = join(dir, 'round.parquet');
      await writeParquet(file, { features: FEATURES, rows });
      const read = await collect(file);
      expect(read).toHaveLength(2);
      expect(read[0]).toEqual({ ...rows[0], question_id: 262148000 });
      expect(read[0].image).toEqual({ bytes: png, path: 'cat.png' });
      expect((read[0].image as { bytes: unknown }).bytes).toBeInstanceOf(Uint8Array);
      // int64 past 2^53 comes back as its decimal string rather than a rounded number.
      expect(read[1].question_id).toBe('1152921504606846976');
      expect(read[1]).toMatchObject({ answers: [], tags: null, license: -1, image_2: { bytes: png, path: null } });
    });
  });

  it('reads a LIST whose element is named item (older pyarrow) the same way', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'item.parquet');
      const features: Features = { answers: sequenceFeature(valueFeature('string')) };
      await writeParquet(file, { features, rows: [{ answers: ['a', 'b'] }], listElementName: 'item' });
      expect(await collect(file)).toEqual([{ answers: ['a', 'b'] }]);
    });
  });

  it('keeps a plain binary image column (third-party copies) as bytes', async () => {
    const png = await makeImage(4, 4);
    await withTempDir(async (dir) => {
      const file = join(dir, 'binary.parquet');
      await writeParquet(file, { features: { image: valueFeature('binary') }, rows: [{ image: png }] });
      const [row] = await collect(file);
      expect(row.image).toBeInstanceOf(Uint8Array);
      expect(row.image).toEqual(png);
    });
  });

  it('streams several row groups in order and honours limit across group boundaries', async () => {
    await withTempDir(async (dir) => {
      const file = await writeBytes(join(dir, 'groups.parquet'), parquetBytes(numbered(25, 10)));
      expect((await readParquetInfo(file)).rowGroups).toBe(3);
      expect((await collect(file)).map((r) => r.id)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      expect((await collect(file, { limit: 12 })).map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(await collect(file, { limit: 0 })).toEqual([]);
    });
  });

  it('with a limit, reads only the row groups it needs', async () => {
    await withTempDir(async (dir) => {
      // The last row group is garbage: a limit that stops before it must never touch it.
      const file = await writeBytes(join(dir, 'damaged.parquet'), corruptRowGroup(parquetBytes(numbered(30, 10)), 2));
      expect(await collect(file, { limit: 20 })).toHaveLength(20);
      await expect(collect(file)).rejects.toThrow(/damaged\.parquet: row group 2 of 3 \(rows 20-29\) could not be decoded.*delete it and download it again/is);
      // a user's problem (exit 2, no stack), with the fix the caller knows for the file's origin
      await expect(collect(file, { fix: 'Export it again.' })).rejects.toMatchObject({ name: 'ParquetFileError', exitCode: 2, message: expect.stringMatching(/corrupt or truncated\. Export it again\.$/) });
      await expect(readParquetInfo(join(dir, 'missing.parquet'))).rejects.toMatchObject({ name: 'ParquetFileError', message: expect.stringMatching(/missing\.parquet: cannot open it \(ENOENT\)/) });
    });
  });

  it('stops when the signal is aborted', async () => {
    await withTempDir(async (dir) => {
      const file = await writeBytes(join(dir, 'abort.parquet'), parquetBytes(numbered(5, 10)));
      const controller = new AbortController();
      controller.abort();
      await expect(collect(file, { signal: controller.signal })).rejects.toThrow(/abort/i);
    });
  });

  it('decompresses codecs other than snappy (gzip via hyparquet-compressors)', async () => {
    await withTempDir(async (dir) => {
      const buffer = parquetWriteBuffer({
        columnData: [{ name: 'text', data: ['one', 'two', 'three'], type: 'STRING' }],
        codec: 'GZIP',
        compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) },
      });
      const file = await writeBytes(join(dir, 'gzip.parquet'), new Uint8Array(buffer));
      expect((await collect(file)).map((r) => r.text)).toEqual(['one', 'two', 'three']);
    });
  });

  it('says a truncated file is truncated, names it, and says to re-download it', async () => {
    await withTempDir(async (dir) => {
      const whole = parquetBytes(numbered(10, 10));
      const file = await writeBytes(join(dir, 'cut.parquet'), whole.subarray(0, Math.floor(whole.length / 2)));
      const error = collect(file);
      await expect(error).rejects.toThrow(/cut\.parquet is not a valid parquet file: it is truncated/);
      await expect(collect(file)).rejects.toThrow(/Delete it and download it again/);
      await expect(readParquetInfo(file)).rejects.toThrow(/truncated/);
      const tiny = await writeBytes(join(dir, 'tiny.parquet'), whole.subarray(0, 5));
      await expect(collect(tiny)).rejects.toThrow(/tiny\.parquet is not a valid parquet file: it is 5 bytes long/);
    });
  });

  it('says a file that is not parquet at all is not parquet, and what it looks like', async () => {
    await withTempDir(async (dir) => {
      const html = join(dir, 'page.parquet');
      await writeFile(html, '<!DOCTYPE html><html><body>Rate limited</body></html>');
      await expect(collect(html)).rejects.toThrow(/page\.parquet is not a valid parquet file: it does not start with the parquet magic 'PAR1' \(first bytes 3c 21 44.*HTML/);
      const lfs = join(dir, 'pointer.parquet');
      await writeFile(lfs, 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n');
      await expect(readParquetInfo(lfs)).rejects.toThrow(/Git LFS pointer/);
    });
  });

  it('says a corrupt footer is corrupt', async () => {
    await withTempDir(async (dir) => {
      const bytes = parquetBytes(numbered(3, 10));
      const footerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
      const damaged = bytes.slice();
      damaged.fill(0xff, bytes.length - 8 - footerLength, bytes.length - 8);
      const file = await writeBytes(join(dir, 'footer.parquet'), damaged);
      await expect(readParquetInfo(file)).rejects.toThrow(/footer\.parquet is not a valid parquet file: its footer is corrupt/);
    });
  });
});

describe('readParquetInfo', () => {
  it('gives row and group counts, top-level columns, and the datasets features', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'info.parquet');
      const png = await makeImage(4, 4);
      const rows = Array.from({ length: 3 }, (_, i) => ({ question_id: i, question: 'q', image: { bytes: png, path: null } }));
      await writeParquet(file, { features: FEATURES, rows, rowGroupSize: 2 });
      const info = await readParquetInfo(file);
      expect(info).toEqual({ numRows: 3, rowGroups: 2, columns: Object.keys(FEATURES), features: JSON.parse(JSON.stringify(FEATURES)) });
      expect(info.features?.image).toEqual({ _type: 'Image' });
    });
  });

  it('gives null features when the file has no huggingface metadata', async () => {
    await withTempDir(async (dir) => {
      const file = await writeBytes(join(dir, 'plain.parquet'), parquetBytes({ ...numbered(2, 10), huggingfaceMetadata: false }));
      expect((await readParquetInfo(file)).features).toBeNull();
    });
  });
});

describe('writeParquet', () => {
  it('names the row and column of a value that does not fit its feature', () => {
    expect(() => parquetBytes({ features: FEATURES, rows: [{ question_id: 1.5 }] })).toThrow(/row 0, column 'question_id': expected a safe integer/);
    expect(() =>
      parquetBytes({ features: FEATURES, rows: [{ answers: [{ answer: 'a', answer_id: 'x' }] }] }),
    ).toThrow(/row 0, column 'answers'\[0\]\.answer_id/);
    expect(() => parquetBytes({ features: FEATURES, rows: [{ license: 300 }] })).toThrow(/int8 range/);
  });
});
