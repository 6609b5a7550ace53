// The bundled samples (datasets/, made by `npm run make-samples`) must keep the real datasets'
// schemas (../shared/spec/datasets.md §1–2): same columns and `datasets` features, Image columns as
// struct<bytes, path>, lists as LISTs, int64 where the real one is, and images that decode.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import type { SchemaTree } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { SAMPLE_SETS } from '../../scripts/make-samples.ts';
import { decodeImage } from '../../src/data/image.ts';
import { readParquetInfo, readParquetRows } from '../../src/data/parquet-rows.ts';
import type { Feature } from '../../src/data/write-parquet.ts';

const ROOT = fileURLToPath(new URL('../../datasets/', import.meta.url));

async function rowsOf(file: string): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  for await (const row of readParquetRows(file)) rows.push(row);
  return rows;
}

const typeOf = (f: Feature): string | undefined => (Array.isArray(f) ? 'LegacyList' : (f as { _type?: string })._type);

/** Checks a schema node against its `datasets` feature the way pyarrow lays it out. */
function expectLayout(node: SchemaTree, feature: Feature): void {
  const type = typeOf(feature);
  const where = node.path.join('.');
  if (type === 'Image') {
    expect(node.children.map((c) => c.element.name), where).toEqual(['bytes', 'path']);
    expect(node.children[0].element.type, where).toBe('BYTE_ARRAY');
    expect(node.children[1].element.converted_type, where).toBe('UTF8');
  } else if (type === 'Value') {
    const dtype = (feature as { dtype: string }).dtype;
    const expected = { string: 'BYTE_ARRAY', int64: 'INT64', int32: 'INT32', int8: 'INT32', float64: 'DOUBLE' }[dtype];
    expect(node.element.type, `${where} (${dtype})`).toBe(expected);
    if (dtype === 'int8') expect(node.element.converted_type, where).toBe('INT_8');
  } else if (type === 'Sequence' || type === 'List' || type === 'LegacyList') {
    expect(node.element.converted_type, where).toBe('LIST');
    const repeated = node.children[0];
    expect([repeated.element.name, repeated.element.repetition_type], where).toEqual(['list', 'REPEATED']);
    const element = Array.isArray(feature) ? feature[0] : (feature as { feature: Feature }).feature;
    expectLayout(repeated.children[0], element);
  } else {
    const fields = feature as Record<string, Feature>;
    expect(node.children.map((c) => c.element.name), where).toEqual(Object.keys(fields));
    node.children.forEach((child) => expectLayout(child, fields[child.element.name]));
  }
}

describe.each(SAMPLE_SETS.map((set) => [set.suite, set] as const))('bundled sample %s', (_suite, set) => {
  const file = join(ROOT, set.suite, set.file);
  const imageColumns = Object.keys(set.features).filter((c) => typeOf(set.features[c]) === 'Image');

  it('has the real columns, features metadata and parquet layout, with 10-20 rows', async () => {
    const info = await readParquetInfo(file);
    expect(info.columns).toEqual(Object.keys(set.features));
    expect(info.features).toEqual(JSON.parse(JSON.stringify(set.features)));
    expect(info.numRows).toBeGreaterThanOrEqual(10);
    expect(info.numRows).toBeLessThanOrEqual(20);
    expect(imageColumns.length).toBeGreaterThan(0);
    for (const column of imageColumns) expect(info.features?.[column]).toEqual({ _type: 'Image' });
    const tree = parquetSchema(parquetMetadata(new Uint8Array(await readFile(file))));
    for (const child of tree.children) expectLayout(child, set.features[child.element.name]);
  });

  it('decodes every image', async () => {
    let decoded = 0;
    for (const [i, row] of (await rowsOf(file)).entries()) {
      for (const column of imageColumns) {
        const value = row[column] as { bytes: Uint8Array; path: string | null } | null;
        if (value === null) continue;
        const image = await decodeImage(value, { label: `row ${i} ${column}` });
        expect(image.width).toBeGreaterThanOrEqual(320);
        decoded++;
      }
    }
    expect(decoded).toBeGreaterThanOrEqual(10);
  });
});

describe('bundled sample contents', () => {
  const file = (suite: string) => {
    const set = SAMPLE_SETS.find((s) => s.suite === suite);
    if (!set) throw new Error(`no sample set ${suite}`);
    return join(ROOT, set.suite, set.file);
  };

  it('vqav2: ten annotator answers per question, the most common one as multiple_choice_answer', async () => {
    for (const row of await rowsOf(file('vqav2'))) {
      const answers = row.answers as Array<{ answer: string; answer_id: number }>;
      expect(answers.map((a) => a.answer_id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const counts = new Map<string, number>();
      for (const a of answers) counts.set(a.answer, (counts.get(a.answer) ?? 0) + 1);
      const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
      expect(row.multiple_choice_answer).toBe(top);
      expect(typeof row.question_id).toBe('number');
    }
  });

  it('mmmu: mostly multiple-choice with letter answers, a few open, and a two-image question', async () => {
    const rows = await rowsOf(file('mmmu'));
    const open = rows.filter((r) => r.question_type === 'open');
    expect(open.length).toBeGreaterThanOrEqual(2);
    expect(open.length).toBeLessThanOrEqual(3);
    for (const r of open) expect(r.options).toBe('[]');
    for (const r of rows.filter((r) => r.question_type === 'multiple-choice')) {
      expect(r.options).toMatch(/^\['.*'\]$/);
      expect(r.answer).toMatch(/^[A-D]$/);
    }
    const twoImages = rows.filter((r) => r.image_2 !== null);
    expect(twoImages.length).toBeGreaterThanOrEqual(1);
    for (const r of twoImages) expect(r.question).toMatch(/<image 1>[\s\S]*<image 2>/);
    for (const r of rows) expect(r.id).toMatch(/^validation_Math_\d+$/);
  });

  it('coco-captions: five captions per image, and height/width match the image', async () => {
    for (const row of await rowsOf(file('coco-captions'))) {
      expect(row.answer as string[]).toHaveLength(5);
      const image = await decodeImage(row.image as { bytes: Uint8Array; path: string | null });
      expect([row.width, row.height]).toEqual([image.width, image.height]);
      expect(row.question_id).toBe(row.file_name);
    }
  });

  it('chartqa and docvqa: both ChartQA groups present; DocVQA answers are lists', async () => {
    const types = new Set((await rowsOf(file('chartqa'))).map((r) => r.type));
    expect([...types].sort()).toEqual(['augmented_test', 'human_test']);
    for (const row of await rowsOf(file('docvqa'))) {
      expect(Array.isArray(row.answers) && (row.answers as unknown[]).length > 0).toBe(true);
      expect(typeof row.questionId).toBe('string');
      expect(typeof row.docId).toBe('number');
    }
  });
});
