// Fixture helpers for the data tests: temporary directories, small real images, and byte-level
// damage to parquet files (to check what the reader reads and how it fails).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import sharp from 'sharp';

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vlm-harness-data-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function writeBytes(file: string, bytes: Uint8Array): Promise<string> {
  await writeFile(file, bytes);
  return file;
}

/** A small real image of the given size and format, drawn from SVG. */
export async function makeImage(
  width: number,
  height: number,
  format: 'png' | 'jpeg' | 'webp' | 'gif' = 'png',
  fill = '#3366cc',
): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="#ffffff"/><circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 3}" fill="${fill}"/></svg>`;
  const buffer = await sharp(Buffer.from(svg))[format]().toBuffer();
  return new Uint8Array(buffer);
}

/** Overwrites every byte of row group `group`'s column chunks with 0xff. */
export function corruptRowGroup(file: Uint8Array, group: number): Uint8Array {
  const damaged = file.slice();
  const meta = parquetMetadata(damaged);
  for (const chunk of meta.row_groups[group].columns) {
    const m = chunk.meta_data;
    if (!m) continue;
    const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
    damaged.fill(0xff, start, start + Number(m.total_compressed_size));
  }
  return damaged;
}
