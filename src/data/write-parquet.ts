// Writes rows as parquet in the layout `datasets` (pyarrow) gives Hub datasets
// (../shared/spec/datasets.md §2): every column nullable, Image as struct<bytes: binary,
// path: string>, lists as 3-level LISTs, and the `huggingface` key-value metadata holding
// {"info":{"features":…}}. The parquet schema is derived from the same `datasets` features that go
// into the metadata, so the two cannot disagree. Used by scripts/make-samples.ts for the bundled
// samples and by tests to build fixtures; hyparquet-writer does the encoding.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileWriter, ParquetWriter, parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';

/** `datasets` Value dtypes the writer supports. */
export type ValueDtype = 'string' | 'binary' | 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64';

export interface ValueFeature {
  _type: 'Value';
  dtype: ValueDtype;
}
export interface ImageFeature {
  _type: 'Image';
}
/** `sequence:` in a card (datasets 2.x/3.x JSON). */
export interface SequenceFeature {
  _type: 'Sequence';
  feature: Feature;
}
/** `list:` as datasets >= 4 writes it. */
export interface ListFeature {
  _type: 'List';
  feature: Feature;
}
/** A struct: field name → feature. */
export interface StructFeature {
  [field: string]: Feature;
}
/** `list:` of named fields as datasets 2.x/3.x writes it: a JSON array holding one struct. */
export type LegacyListFeature = [StructFeature];

export type Feature = ValueFeature | ImageFeature | SequenceFeature | ListFeature | LegacyListFeature | StructFeature;
/** A dataset's columns, in order, as in `Features`. */
export type Features = StructFeature;

export const valueFeature = (dtype: ValueDtype): ValueFeature => ({ dtype, _type: 'Value' });
export const imageFeature = (): ImageFeature => ({ _type: 'Image' });
export const sequenceFeature = (feature: Feature): SequenceFeature => ({ feature, _type: 'Sequence' });

export interface WriteParquetOptions {
  features: Features;
  rows: ReadonlyArray<Record<string, unknown>>;
  /** Rows per row group; `datasets` uses 100 for image datasets. */
  rowGroupSize?: number;
  codec?: 'SNAPPY' | 'UNCOMPRESSED';
  /** The LIST element name: 'element' (pyarrow >= 13) or 'item' (older pyarrow). */
  listElementName?: 'element' | 'item';
  /** Write the `huggingface` features metadata (default true). */
  huggingfaceMetadata?: boolean;
}

type Kind =
  | { kind: 'value'; dtype: ValueDtype }
  | { kind: 'image' }
  | { kind: 'list'; element: Feature }
  | { kind: 'struct'; fields: StructFeature };

function kindOf(feature: Feature): Kind {
  if (Array.isArray(feature)) return { kind: 'list', element: feature[0] };
  const typed = feature as { _type?: unknown };
  if (typed._type === 'Value') return { kind: 'value', dtype: (feature as ValueFeature).dtype };
  if (typed._type === 'Image') return { kind: 'image' };
  if (typed._type === 'Sequence' || typed._type === 'List') {
    return { kind: 'list', element: (feature as SequenceFeature).feature };
  }
  if (typeof typed._type === 'string') throw new Error(`writeParquet: unsupported feature type '${typed._type}'`);
  return { kind: 'struct', fields: feature as StructFeature };
}

/** Encodes rows as a parquet file in memory. */
export function parquetBytes(options: WriteParquetOptions): Uint8Array {
  const { features, rows, rowGroupSize = 100, codec = 'SNAPPY', listElementName = 'element' } = options;
  const names = Object.keys(features);
  const schema: SchemaElement[] = [{ name: 'schema', num_children: names.length }];
  for (const name of names) schema.push(...schemaFor(name, features[name], listElementName));
  const columnData: ColumnSource[] = names.map((name) => ({
    name,
    data: rows.map((row, i) => prepare(features[name], row[name], `row ${i}, column '${name}'`)),
  }));
  const kvMetadata =
    options.huggingfaceMetadata === false ? [] : [{ key: 'huggingface', value: JSON.stringify({ info: { features } }) }];
  const buffer = parquetWriteBuffer({
    schema,
    columnData,
    codec,
    rowGroupSize,
    kvMetadata,
    createdBy: 'vlm-harness write-parquet (hyparquet-writer)',
  });
  return new Uint8Array(buffer);
}

/**
 * Writes batches of rows to `file` one at a time, so a multi-GB file needs the memory of one batch:
 * each batch becomes whole row groups, appended through hyparquet-writer's ParquetWriter.
 */
export async function writeParquetBatches(
  file: string,
  options: Omit<WriteParquetOptions, 'rows'> & { batches: Iterable<ReadonlyArray<Record<string, unknown>>> | AsyncIterable<ReadonlyArray<Record<string, unknown>>> },
): Promise<{ rows: number }> {
  const { features, rowGroupSize = 100, codec = 'SNAPPY', listElementName = 'element' } = options;
  const names = Object.keys(features);
  const schema: SchemaElement[] = [{ name: 'schema', num_children: names.length }];
  for (const name of names) schema.push(...schemaFor(name, features[name], listElementName));
  await mkdir(dirname(file), { recursive: true });
  const kvMetadata =
    options.huggingfaceMetadata === false ? [] : [{ key: 'huggingface', value: JSON.stringify({ info: { features } }) }];
  const writer = new ParquetWriter({ writer: fileWriter(file), schema, codec, kvMetadata, createdBy: 'vlm-harness write-parquet (hyparquet-writer)' });
  let rows = 0;
  for await (const batch of options.batches) {
    const columnData: ColumnSource[] = names.map((name) => ({
      name,
      data: batch.map((row, i) => prepare(features[name], row[name], `row ${rows + i}, column '${name}'`)),
    }));
    await writer.write({ columnData, rowGroupSize });
    rows += batch.length;
  }
  await writer.finish();
  return { rows };
}

/** Writes rows to `file` (creating its directory). */
export async function writeParquet(file: string, options: WriteParquetOptions): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, parquetBytes(options));
}

function schemaFor(name: string, feature: Feature, listElement: string): SchemaElement[] {
  const k = kindOf(feature);
  switch (k.kind) {
    case 'value':
      return [{ name, repetition_type: 'OPTIONAL', ...physical(k.dtype) }];
    case 'image':
      return [
        { name, repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'bytes', repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY' },
        { name: 'path', repetition_type: 'OPTIONAL', ...physical('string') },
      ];
    case 'list':
      return [
        { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        ...schemaFor(listElement, k.element, listElement),
      ];
    case 'struct': {
      const fields = Object.keys(k.fields);
      return [
        { name, repetition_type: 'OPTIONAL', num_children: fields.length },
        ...fields.flatMap((field) => schemaFor(field, k.fields[field], listElement)),
      ];
    }
  }
}

function physical(dtype: ValueDtype): Omit<SchemaElement, 'name'> {
  switch (dtype) {
    case 'string':
      return { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
    case 'binary':
      return { type: 'BYTE_ARRAY' };
    case 'bool':
      return { type: 'BOOLEAN' };
    case 'int8':
      return { type: 'INT32', converted_type: 'INT_8', logical_type: { type: 'INTEGER', bitWidth: 8, isSigned: true } };
    case 'int16':
      return { type: 'INT32', converted_type: 'INT_16', logical_type: { type: 'INTEGER', bitWidth: 16, isSigned: true } };
    case 'int32':
      return { type: 'INT32' };
    case 'int64':
      return { type: 'INT64' };
    case 'float32':
      return { type: 'FLOAT' };
    case 'float64':
      return { type: 'DOUBLE' };
  }
}

const INT_RANGE: Partial<Record<ValueDtype, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/** Checks a value against its feature and converts it to what hyparquet-writer expects (int64 → bigint). */
function prepare(feature: Feature, input: unknown, where: string): unknown {
  if (input === null || input === undefined) return null;
  const k = kindOf(feature);
  const fail = (expected: string): never => {
    throw new Error(`writeParquet: ${where}: expected ${expected}, got ${describe(input)}`);
  };
  switch (k.kind) {
    case 'value':
      return prepareValue(k.dtype, input, fail);
    case 'image': {
      const ref = input as { bytes?: unknown; path?: unknown };
      if (typeof input !== 'object' || !(ref.bytes instanceof Uint8Array)) fail('an image {bytes: Uint8Array, path}');
      if (ref.path !== null && ref.path !== undefined && typeof ref.path !== 'string') fail('an image path string or null');
      return { bytes: ref.bytes, path: ref.path ?? null };
    }
    case 'list':
      if (!Array.isArray(input)) fail('an array');
      return (input as unknown[]).map((item, i) => prepare(k.element, item, `${where}[${i}]`));
    case 'struct': {
      if (typeof input !== 'object' || Array.isArray(input)) fail('an object');
      const record = input as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const field of Object.keys(k.fields)) out[field] = prepare(k.fields[field], record[field], `${where}.${field}`);
      return out;
    }
  }
}

function prepareValue(dtype: ValueDtype, input: unknown, fail: (expected: string) => never): unknown {
  switch (dtype) {
    case 'string':
      return typeof input === 'string' ? input : fail('a string');
    case 'binary':
      return input instanceof Uint8Array ? input : fail('a Uint8Array');
    case 'bool':
      return typeof input === 'boolean' ? input : fail('a boolean');
    case 'float32':
    case 'float64':
      return typeof input === 'number' ? input : fail('a number');
    case 'int64':
      if (typeof input === 'bigint') return input;
      return typeof input === 'number' && Number.isSafeInteger(input) ? BigInt(input) : fail('a safe integer or bigint');
    default: {
      const [min, max] = INT_RANGE[dtype] ?? [0, 0];
      return typeof input === 'number' && Number.isInteger(input) && input >= min && input <= max
        ? input
        : fail(`an integer in ${dtype} range [${min}, ${max}]`);
    }
  }
}

function describe(input: unknown): string {
  if (input instanceof Uint8Array) return `Uint8Array(${input.length})`;
  if (Array.isArray(input)) return 'an array';
  const text = typeof input === 'bigint' ? `${input}n` : JSON.stringify(input);
  return `${typeof input} ${text === undefined ? String(input) : text.slice(0, 40)}`;
}
