// Typed access to dataset row fields. A missing or mistyped column is the dataset's fault, so the
// error names the column, what was found, and that the file does not match the suite's schema.

import type { ImageRef } from '../types.ts';

export class RowError extends Error {
  override name = 'RowError';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v;
}

export function str(row: Record<string, unknown>, column: string): string {
  const v = row[column];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw new RowError(`column '${column}' should be a string, found ${describe(v)}`);
}

export function optStr(row: Record<string, unknown>, column: string): string | null {
  const v = row[column];
  return v === null || v === undefined ? null : str(row, column);
}

export function strList(row: Record<string, unknown>, column: string): string[] {
  const v = row[column];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new RowError(`column '${column}' should be a list of strings, found ${describe(v)}`);
}

export function num(row: Record<string, unknown>, column: string): number {
  const v = row[column];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new RowError(`column '${column}' should be a number, found ${describe(v)}`);
}

/**
 * A `datasets` Image value: struct {bytes, path}, or plain binary in some third-party copies. A null
 * is one row's missing image, not a schema problem: that sample errors when run, the others go on.
 */
export function image(row: Record<string, unknown>, column: string): ImageRef {
  return imageOrNull(row, column) ?? { bytes: new Uint8Array(0), path: null, missing: true };
}

export function imageOrNull(row: Record<string, unknown>, column: string): ImageRef | null {
  const v = row[column];
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return { bytes: v, path: null };
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as { bytes?: unknown; path?: unknown };
    if (o.bytes instanceof Uint8Array) return { bytes: o.bytes, path: typeof o.path === 'string' ? o.path : null };
    if (o.bytes === null || o.bytes === undefined) return null;
  }
  throw new RowError(`column '${column}' should be an image struct {bytes, path}, found ${describe(v)}`);
}
