// Where a suite's rows come from: the bundled sample (datasets/<suite>/, laid out like the Hub
// repo), a local parquet file or folder, or the Hub (src/data/hub*). Rows stream file by file and
// row group by row group; images stay encoded until a sample is run.

import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { packagePath } from '../package-root.ts';
import type { DatasetSpec, Sample, Suite, SuiteOptions } from '../types.ts';
import { matchesAny } from './glob.ts';
import { readParquetInfo, readParquetRows, REDOWNLOAD } from './parquet-rows.ts';
import { RowError } from './row-fields.ts';

export type DataSource = 'hub' | 'cache' | 'sample' | 'local';

export interface DatasetFile {
  path: string;
  /** Path inside the repo (or the folder), as the globs see it. */
  repoPath: string;
  size: number;
  sha256?: string;
}

export interface ResolvedDataset {
  source: DataSource;
  spec: DatasetSpec;
  /** A commit sha for Hub data; null for bundled or local files. */
  revision: string | null;
  files: DatasetFile[];
}

/** The bundled synthetic samples: datasets/<suite>/ in the package. */
export const SAMPLES_ROOT = packagePath('datasets');

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else if (entry.name.endsWith('.parquet')) out.push(p);
  }
  return out.sort();
}

async function filesUnder(root: string, spec: DatasetSpec, label: string): Promise<DatasetFile[]> {
  const all = await walk(root);
  const chosen = all.filter((p) => matchesAny(relative(root, p).split('\\').join('/'), spec.dataFiles));
  if (chosen.length === 0) {
    throw new UserError(`${label} has no parquet file matching ${spec.dataFiles.join(', ')} (config '${spec.config}', split '${spec.split}').`);
  }
  return Promise.all(chosen.map(async (p) => ({ path: p, repoPath: relative(root, p), size: (await stat(p)).size })));
}

/**
 * Resolves `--data sample` or `--data <path>` for one of a suite's dataset specs. `mirror`: the folder
 * must lay files out as the repo does (a suite reading several configs, such as MMMU's subjects,
 * cannot take "every file in the folder" for each of them).
 */
export async function resolveLocalDataset(suite: Pick<Suite, 'id'>, spec: DatasetSpec, data: string, opts: { mirror?: boolean } = {}): Promise<ResolvedDataset> {
  if (data === 'sample') {
    const root = join(SAMPLES_ROOT, suite.id);
    return { source: 'sample', spec, revision: null, files: await filesUnder(root, spec, `The bundled sample ${root}`) };
  }
  const path = resolve(data);
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new UserError(`--data ${data}: no such file or folder. Use 'hub', 'sample', or a parquet file or folder in the suite's schema.`);
  }
  if (st.isFile()) {
    if (opts.mirror) throw new UserError(`--data ${data} is one file, but this run reads several configs (e.g. MMMU subjects); give a folder laid out like the repo (<config>/<split>-*.parquet).`);
    return { source: 'local', spec, revision: null, files: [{ path, repoPath: data, size: st.size }] };
  }
  // A folder may mirror the repo (globs apply) or simply hold the split's files directly; files
  // further down that match no glob belong to other configs or splits and are never taken.
  const all = await walk(path);
  if (all.length === 0) throw new UserError(`--data ${data}: the folder holds no .parquet file.`);
  const matching = all.filter((p) => matchesAny(relative(path, p).split('\\').join('/'), spec.dataFiles));
  if (!matching.length && opts.mirror) {
    throw new UserError(`--data ${data}: no parquet file matches ${spec.dataFiles.join(', ')} (config '${spec.config}'). With several configs the folder must mirror the repo, e.g. ${spec.config}/${spec.split}-00000-of-00001.parquet.`);
  }
  const chosen = matching.length ? matching : all.filter((p) => dirname(p) === path);
  if (chosen.length === 0) {
    const found = all.slice(0, 5).map((p) => relative(path, p)).join(', ');
    throw new UserError(
      `--data ${data}: no parquet file matches ${spec.dataFiles.join(', ')} (config '${spec.config}', split '${spec.split}'), and none lies directly in the folder (found ${found}${all.length > 5 ? ', …' : ''}). Point --data at the split's file or folder.`,
    );
  }
  return {
    source: 'local',
    spec,
    revision: null,
    files: await Promise.all(chosen.map(async (p) => ({ path: p, repoPath: relative(path, p), size: (await stat(p)).size }))),
  };
}

/** What to do about a damaged data file, by where it came from. */
export function damagedFileFix(source: DataSource): string {
  switch (source) {
    case 'hub':
    case 'cache':
      return `It is in the Hub cache: ${REDOWNLOAD}`;
    case 'sample':
      return 'Regenerate the bundled samples with `npm run make-samples`.';
    case 'local':
      return "Check that --data names complete parquet files in the suite's schema (datasets/README.md); copy or export them again.";
  }
}

export interface SampleStreamItem {
  sample: Sample;
  /** Position in the suite's deterministic order (file order, then row order). */
  index: number;
}

/**
 * Streams a suite's samples from resolved datasets in order. A row that does not map to a Sample
 * is a schema problem in the file, reported with file and row number.
 */
export async function* streamSamples(params: {
  suite: Pick<Suite, 'id' | 'toSample'>;
  datasets: readonly ResolvedDataset[];
  limit?: number;
  ids?: ReadonlySet<string>;
  /**
   * Begin at this position of the selection (a shard's range, src/shard/shard-range.ts); `limit` is
   * then where it ends. Files and row groups before it are not read. Not with `ids`.
   */
  start?: number;
  signal?: AbortSignal;
}): AsyncGenerator<SampleStreamItem> {
  if (params.start !== undefined && params.ids) throw new Error('streamSamples: start and ids together (a sharded --ids selection passes its ids)');
  let index = 0;
  for (const ds of params.datasets) {
    let datasetRow = 0; // position across the dataset's files: ids of id-less rows (ChartQA) use it
    for (const file of ds.files) {
      const fix = damagedFileFix(ds.source);
      // Without ids, a row's position in the data is its position in the selection.
      let skip = 0;
      if (params.start !== undefined && index < params.start) {
        const rows = (await readParquetInfo(file.path, { fix })).numRows;
        skip = Math.min(rows, params.start - index);
        index += skip;
        datasetRow += skip;
        if (skip === rows) continue;
      }
      let rowNo = skip;
      const rowLimit = params.limit !== undefined && !params.ids ? params.limit - index : undefined;
      if (rowLimit !== undefined && rowLimit <= 0) return;
      const read = { fix, offset: skip, ...(rowLimit !== undefined ? { limit: rowLimit } : {}), ...(params.signal ? { signal: params.signal } : {}) };
      for await (const row of readParquetRows(file.path, read)) {
        let sample: Sample;
        try {
          sample = params.suite.toSample(row, ds.spec, datasetRow);
        } catch (e) {
          if (e instanceof RowError) {
            throw new UserError(`${file.path} row ${rowNo}: ${e.message}. The file does not match the ${params.suite.id} schema (see datasets/README.md).`);
          }
          throw e;
        }
        rowNo++;
        datasetRow++;
        if (params.ids && !params.ids.has(sample.id)) continue;
        yield { sample, index };
        index++;
        if (params.limit !== undefined && index >= params.limit) return;
      }
    }
  }
}

/** Feeds a sample's identity and content into a fingerprint hash (ids, text, references, image bytes). */
export function hashSample(hash: ReturnType<typeof createHash>, sample: Sample): void {
  hash.update(sample.id).update('\0').update(sample.question).update('\0');
  hash.update(JSON.stringify(sample.references)).update('\0').update(JSON.stringify(sample.choices ?? null)).update('\0');
  for (const img of sample.images) hash.update(img.bytes);
  hash.update('\n');
}

export function suiteOptions(o: Partial<SuiteOptions>): SuiteOptions {
  return { lmmsOrg: o.lmmsOrg ?? 'lmms-lab-encoder', ...(o.subjects ? { subjects: o.subjects } : {}), ...(o.split ? { split: o.split } : {}) };
}
