// Streams rows out of a local parquet shard one row group at a time (../shared/spec/datasets.md §2):
// Hub image datasets are written in 100-row groups and ~500 MB shards, so reading a group, yielding
// its rows and dropping it keeps memory bounded, and `--limit N` touches only the first groups.
// Decoding is hyparquet's; hyparquet-compressors adds gzip/zstd/brotli/lz4 for files that were not
// written with snappy. Rows come out as plain values: structs as objects (the `datasets` Image
// struct as {bytes, path}), lists as arrays, int64 as number (or string past 2^53).

import { parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { Compressors, FileMetaData } from 'hyparquet';
import { UserError } from '../errors.ts';
import { openFileBuffer } from './file-buffer.ts';
import type { FileBuffer } from './file-buffer.ts';

export interface ReadParquetOptions {
  /** What to do about a damaged file, appended to the message; "Delete it and download it again." by default. */
  fix?: string;
}

export interface ReadParquetRowsOptions extends ReadParquetOptions {
  /** Stop after this many rows; only the row groups that hold them are read. */
  limit?: number;
  /** Skip this many rows first; row groups that lie wholly before them are not read (a shard's range). */
  offset?: number;
  signal?: AbortSignal;
}

/** A file that is not a readable parquet file: the user's to fix (exit 2), so its message says how. */
export class ParquetFileError extends UserError {
  override name = 'ParquetFileError';
}

export interface ParquetInfo {
  numRows: number;
  rowGroups: number;
  /** Top-level column names, in file order. */
  columns: string[];
  /** `datasets` features from the `huggingface` key-value metadata ({"info":{"features":…}}), or null. */
  features: Record<string, unknown> | null;
}

export const REDOWNLOAD = 'Delete it and download it again.';
const MAGIC = 'PAR1';

/** Yields the rows of `file` in order, reading one row group at a time. */
export async function* readParquetRows(
  file: string,
  options: ReadParquetRowsOptions = {},
): AsyncGenerator<Record<string, unknown>> {
  const { signal } = options;
  const limit = Math.floor(options.limit ?? Infinity);
  if (!(limit >= 0)) throw new Error(`readParquetRows(${file}): limit must be a number >= 0, got ${options.limit}`);
  signal?.throwIfAborted();
  const fix = options.fix ?? REDOWNLOAD;
  const handle = await openParquet(file);
  try {
    const metadata = await readFooter(file, handle, fix);
    const compressors = await loadCompressors();
    checkCodecs(file, metadata, compressors);
    const groups = metadata.row_groups.length;
    let emitted = 0;
    let groupStart = 0;
    let toSkip = Math.max(0, Math.floor(options.offset ?? 0));
    for (let g = 0; g < groups && emitted < limit; g++) {
      signal?.throwIfAborted();
      const groupRows = Number(metadata.row_groups[g].num_rows);
      const skip = Math.min(toSkip, groupRows);
      toSkip -= skip;
      const take = Math.min(groupRows - skip, limit - emitted);
      if (take > 0) {
        const rows: Array<Record<string, unknown> | undefined> = await readGroup({ file, handle, metadata, compressors, group: g, groupStart, skip, take, fix });
        const copies = new Map<Uint8Array, Uint8Array>();
        for (let i = 0; i < rows.length; i++) {
          signal?.throwIfAborted();
          const row = rows[i]!;
          rows[i] = undefined; // a row read is no longer held by the group (a long run's heap stays flat)
          yield plainRow(row, copies);
          emitted++;
        }
      }
      groupStart += groupRows;
    }
  } finally {
    await handle.close();
  }
}

/** Reads only the footer: row and row-group counts, column names and the `datasets` features. */
export async function readParquetInfo(file: string, options: ReadParquetOptions = {}): Promise<ParquetInfo> {
  const handle = await openParquet(file);
  try {
    const metadata = await readFooter(file, handle, options.fix ?? REDOWNLOAD);
    return {
      numRows: Number(metadata.num_rows),
      rowGroups: metadata.row_groups.length,
      columns: parquetSchema(metadata).children.map((child) => child.element.name),
      features: huggingfaceFeatures(metadata),
    };
  } finally {
    await handle.close();
  }
}

async function openParquet(file: string): Promise<FileBuffer> {
  try {
    return await openFileBuffer(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ParquetFileError(`${file}: cannot open it (${code ?? oneLine(messageOf(error))}).`);
  }
}

async function readGroup(p: {
  file: string;
  handle: FileBuffer;
  metadata: FileMetaData;
  compressors: Compressors;
  group: number;
  groupStart: number;
  /** Rows of the group to pass over before the first one read. */
  skip: number;
  take: number;
  fix: string;
}): Promise<Array<Record<string, unknown>>> {
  const { file, handle, metadata, compressors, group, groupStart, skip, take } = p;
  try {
    return await parquetReadObjects({
      file: handle.buffer,
      metadata,
      rowStart: groupStart + skip,
      rowEnd: groupStart + skip + take,
      compressors,
      // Keep BYTE_ARRAY without a string annotation (image bytes) binary; UTF8 columns still decode.
      utf8: false,
      rowFormat: 'object',
    });
  } catch (error) {
    const groupRows = Number(metadata.row_groups[group].num_rows);
    throw new ParquetFileError(
      `${file}: row group ${group} of ${metadata.row_groups.length} (rows ${groupStart}-${groupStart + groupRows - 1}) ` +
        `could not be decoded: ${oneLine(messageOf(error))}. The file is corrupt or truncated. ${p.fix}`,
    );
  }
}

/** Checks the magic bytes and footer length before hyparquet parses the footer, for clear errors. */
async function readFooter(file: string, handle: FileBuffer, fix: string): Promise<FileMetaData> {
  const size = handle.buffer.byteLength;
  const notParquet = `${file} is not a valid parquet file`;
  if (size < 12) {
    throw new ParquetFileError(
      `${notParquet}: it is ${size} bytes long, and the smallest parquet file ('PAR1' + footer + 'PAR1') ` +
        `has 12. It is probably truncated. ${fix}`,
    );
  }
  const head = new Uint8Array(await handle.buffer.slice(0, Math.min(size, 32)));
  const tail = new Uint8Array(await handle.buffer.slice(size - 8, size));
  if (ascii(head.subarray(0, 4)) !== MAGIC) {
    throw new ParquetFileError(
      `${notParquet}: it does not start with the parquet magic 'PAR1' (first bytes ${hex(head.subarray(0, 8))}` +
        `${guessContent(head)}). ${fix}`,
    );
  }
  if (ascii(tail.subarray(4, 8)) !== MAGIC) {
    throw new ParquetFileError(
      `${notParquet}: it is truncated (it starts with 'PAR1' but does not end with it, so the footer is ` +
        `missing; an interrupted download looks like this). ${fix}`,
    );
  }
  const footerLength = new DataView(tail.buffer, tail.byteOffset, 4).getUint32(0, true);
  if (footerLength > size - 12) {
    throw new ParquetFileError(
      `${notParquet}: its footer claims ${footerLength} bytes but the file has only ${size - 12} bytes ` +
        `between the magics, so it is truncated or corrupt. ${fix}`,
    );
  }
  try {
    return await parquetMetadataAsync(handle.buffer);
  } catch (error) {
    throw new ParquetFileError(`${notParquet}: its footer is corrupt (${oneLine(messageOf(error))}). ${fix}`);
  }
}

function checkCodecs(file: string, metadata: FileMetaData, compressors: Compressors): void {
  for (const [g, group] of metadata.row_groups.entries()) {
    for (const chunk of group.columns) {
      const codec = chunk.meta_data?.codec;
      if (codec && codec !== 'UNCOMPRESSED' && codec !== 'SNAPPY' && !compressors[codec]) {
        const column = chunk.meta_data?.path_in_schema.join('.') ?? '?';
        throw new ParquetFileError(
          `${file}: row group ${g}, column '${column}' is compressed with ${codec}, which the reader cannot ` +
            `decompress. Re-write the file with snappy or zstd compression.`,
        );
      }
    }
  }
}

function huggingfaceFeatures(metadata: FileMetaData): Record<string, unknown> | null {
  const entry = metadata.key_value_metadata?.find((kv) => kv.key === 'huggingface');
  if (!entry?.value) return null;
  // The features only help to find image columns (the schema also tells), so a malformed entry is
  // treated as absent rather than making an otherwise readable file unusable.
  try {
    const parsed: unknown = JSON.parse(entry.value);
    const features = (parsed as { info?: { features?: unknown } } | null)?.info?.features;
    return isRecord(features) ? features : null;
  } catch {
    return null;
  }
}

let compressorsPromise: Promise<Compressors> | undefined;

/** hyparquet-compressors instantiates its wasm at import, so it is imported on the first read only. */
function loadCompressors(): Promise<Compressors> {
  compressorsPromise ??= import('hyparquet-compressors').then((m) => m.compressors as Compressors);
  return compressorsPromise;
}

function plainRow(row: Record<string, unknown>, copies: Map<Uint8Array, Uint8Array>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = plainValue(value, copies);
  return out;
}

/**
 * bigint → number when safe, else its decimal string; undefined → null; typed arrays → arrays.
 * Byte arrays are copied out of hyparquet's page buffers so a kept row does not pin a whole page;
 * `copies` keeps one copy per dictionary value (VQAv2 repeats each image for every question).
 */
function plainValue(value: unknown, copies: Map<Uint8Array, Uint8Array>): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Uint8Array) {
    let copy = copies.get(value);
    if (!copy) {
      copy = value.slice();
      copies.set(value, copy);
    }
    return copy;
  }
  if (Array.isArray(value)) return value.map((item) => plainValue(item, copies));
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<unknown>, (item) => plainValue(item, copies));
  }
  if (value instanceof Date) return value;
  if (isRecord(value)) return plainRow(value, copies);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function guessContent(head: Uint8Array): string {
  const text = ascii(head);
  if (text.startsWith('version https://git-lfs')) return '; it is a Git LFS pointer, not the file itself';
  if (/^\s*</.test(text)) return '; it looks like an HTML or XML page, e.g. an error page saved in its place';
  if (/^\s*[{[]/.test(text)) return '; it looks like JSON, e.g. an API error saved in its place';
  return '';
}

function oneLine(text: string): string {
  return text.split('\n')[0];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
