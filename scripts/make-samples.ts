// Regenerates the bundled samples, datasets/<suite>/<path in the Hub repo>.parquet: synthetic rows
// in each real dataset's parquet schema and `datasets` features (datasets/README.md,
// ../shared/spec/datasets.md §1–2). Deterministic: no clock, no randomness, so rerunning on the
// same machine gives identical bytes (the sha256 printed per file makes that easy to check).
//
//   npm run make-samples                      # writes datasets/
//   npm run make-samples -- --out /tmp/ds     # writes elsewhere
//   npm run make-samples -- --preview /tmp/p  # also writes each image as a file, to look at

import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetBytes } from '../src/data/write-parquet.ts';
import { sniffImageType } from '../src/data/image.ts';
import { ai2dSamples } from './samples/ai2d.ts';
import { chartqaSamples } from './samples/chartqa.ts';
import { cocoCaptionsSamples } from './samples/coco-captions.ts';
import { docvqaSamples } from './samples/docvqa.ts';
import { mathvistaSamples } from './samples/mathvista.ts';
import { mmmuSamples } from './samples/mmmu.ts';
import type { SampleSet } from './samples/sample-set.ts';
import { vqav2Samples } from './samples/vqav2.ts';

export const SAMPLE_SETS: readonly SampleSet[] = [vqav2Samples, mmmuSamples, chartqaSamples, docvqaSamples, cocoCaptionsSamples, mathvistaSamples, ai2dSamples];

export interface WrittenSample {
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** Writes every sample set under `root`; with `preview`, also each distinct image as a file. */
export async function makeSamples(root: string, preview?: string): Promise<WrittenSample[]> {
  const written: WrittenSample[] = [];
  for (const set of SAMPLE_SETS) {
    const rows = await set.rows();
    if (rows.length < 10 || rows.length > 20) throw new Error(`${set.suite}: ${rows.length} rows; the samples hold 10-20`);
    const bytes = parquetBytes({ features: set.features, rows, rowGroupSize: 100, codec: 'SNAPPY' });
    const file = join(root, set.suite, set.file);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, bytes);
    if (preview) await writePreviews(join(preview, set.suite), rows);
    written.push({ file, rows: rows.length, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return written;
}

async function writePreviews(dir: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const seen = new Set<Uint8Array>();
  let index = 0;
  for (const row of rows) {
    for (const value of Object.values(row)) {
      const bytes = (value as { bytes?: unknown } | null)?.bytes;
      if (!(bytes instanceof Uint8Array) || seen.has(bytes)) continue;
      seen.add(bytes);
      const ext = sniffImageType(bytes) === 'image/jpeg' ? 'jpg' : 'png';
      await writeFile(join(dir, `${String(index++).padStart(2, '0')}.${ext}`), bytes);
    }
  }
}

function argValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const root = resolve(argValue(args, '--out') ?? fileURLToPath(new URL('../datasets/', import.meta.url)));
  const preview = argValue(args, '--preview');
  for (const w of await makeSamples(root, preview && resolve(preview))) {
    console.log(`${w.file}  ${w.rows} rows  ${w.bytes} bytes  sha256 ${w.sha256}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
