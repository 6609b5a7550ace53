// Parquet streaming at Hub shard sizes: `datasets` writes image datasets as ~500 MB shards of
// 100-row groups (../shared/spec/datasets.md §2), and readParquetRows must stream them one row group
// at a time. This writes a 100 MB and a 300 MB file of JPEG-sized blobs (random bytes behind a JPEG
// header, 60–140 KiB, so snappy cannot shrink them) with writeParquetBatches (one 100-row batch in
// memory at a time), then reads each in a fresh child process and reports rows/s, MB/s and peak
// RSS. Peak RSS should stay flat from 100 MB to 300 MB; if it grows with the file, something holds
// whole shards. Standalone: npx tsx bench/parquet.bench.ts [sizes in MB, default 100 300].

import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readParquetRows } from '../src/data/parquet-rows.ts';
import { imageFeature, valueFeature, writeParquetBatches } from '../src/data/write-parquet.ts';

const MiB = 2 ** 20;
const ROW_GROUP = 100;
const MEAN_BLOB = 100 * 1024;

interface ReadStats {
  rows: number;
  imageBytes: number;
  seconds: number;
  startRssMiB: number;
  peakRssMiB: number;
}

/** A JPEG-sized blob: SOI/APP0 header, random body, EOI. */
function jpegLike(size: number): Uint8Array {
  const bytes = randomBytes(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
  bytes.set([0xff, 0xd9], size - 2);
  return bytes;
}

function* batches(rows: number): Generator<Array<Record<string, unknown>>> {
  for (let start = 0; start < rows; start += ROW_GROUP) {
    const batch: Array<Record<string, unknown>> = [];
    for (let i = start; i < Math.min(rows, start + ROW_GROUP); i++) {
      const size = Math.round(MEAN_BLOB * (0.6 + 0.8 * ((i * 7919) % 101) / 100));
      batch.push({ id: `bench_${i}`, question: `What is shown in image ${i}?`, image: { bytes: jpegLike(size), path: `${i}.jpg` }, answer: String(i % 10) });
    }
    yield batch;
  }
}

/** Reads every row of `file` (child-process side), sampling RSS as it goes. */
async function readAll(file: string): Promise<ReadStats> {
  const startRss = process.memoryUsage.rss();
  let peak = startRss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const t0 = performance.now();
  let rows = 0;
  let imageBytes = 0;
  for await (const row of readParquetRows(file)) {
    rows++;
    imageBytes += (row.image as { bytes: Uint8Array }).bytes.length;
    if (rows % ROW_GROUP === 0) peak = Math.max(peak, process.memoryUsage.rss());
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  return { rows, imageBytes, seconds, startRssMiB: startRss / MiB, peakRssMiB: Math.max(peak, process.memoryUsage.rss()) / MiB };
}

/** Runs readAll in a fresh process, so one file's garbage does not count against the next. */
function readInChild(file: string): Promise<ReadStats> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--read', file], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as ReadStats));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`reader exited with ${code}`))));
  });
}

export async function benchParquet(sizesMB: readonly number[] = [100, 300]): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'vlm-parquet-bench-'));
  const table: Record<string, unknown> = {};
  try {
    for (const mb of sizesMB) {
      const file = join(dir, `${mb}mb.parquet`);
      const rows = Math.round((mb * MiB) / MEAN_BLOB);
      const t0 = performance.now();
      await writeParquetBatches(file, {
        features: { id: valueFeature('string'), question: valueFeature('string'), image: imageFeature(), answer: valueFeature('string') },
        batches: batches(rows),
        rowGroupSize: ROW_GROUP,
      });
      const writeSec = (performance.now() - t0) / 1000;
      const fileMB = (await stat(file)).size / MiB;
      const r = await readInChild(file);
      table[`${mb} MB`] = {
        rows: r.rows,
        'file MiB': Number(fileMB.toFixed(1)),
        'write s': Number(writeSec.toFixed(2)),
        'read s': Number(r.seconds.toFixed(2)),
        'rows/s': Math.round(r.rows / r.seconds),
        'MiB/s': Number((fileMB / r.seconds).toFixed(1)),
        'RSS before MiB': Math.round(r.startRssMiB),
        'peak RSS MiB': Math.round(r.peakRssMiB),
      };
      await rm(file, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return table;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--read') {
    const stats = await readAll(process.argv[3]);
    process.send?.(stats, () => process.exit(0));
  } else {
    const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
    process.stdout.write(`node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}\n`);
    process.stdout.write(`## Parquet streaming (${ROW_GROUP}-row groups, ~${MEAN_BLOB / 1024} KiB images)\n`);
    console.table(await benchParquet(sizes.length ? sizes : undefined));
  }
}
