// The fingerprint of a suite's data files, known as soon as the data is resolved and before any
// sample is read: the configs and splits, then each file's sha256 and size in reading order. Hub
// files carry the sha256 the download verified; local and bundled files are hashed here (once per
// invocation), so a run directory notices when the files under --data changed between invocations.
// (results.json's dataset.fingerprint is a different figure: a hash of the samples as read.)

import { createHash } from 'node:crypto';
import { hashFile } from '../hub/download.ts';
import type { ResolvedDataset } from './dataset.ts';

/** The datasets with every file's sha256 filled in (local files are hashed). */
export async function withFileHashes(datasets: readonly ResolvedDataset[]): Promise<ResolvedDataset[]> {
  const out: ResolvedDataset[] = [];
  for (const ds of datasets) {
    const files = [];
    for (const f of ds.files) files.push(f.sha256 ? f : { ...f, sha256: await hashFile(f.path) });
    out.push({ ...ds, files });
  }
  return out;
}

/** `sha256:<hex>` over configs, splits and file hashes; every file must have its sha256 (withFileHashes). */
export function filesFingerprint(datasets: readonly ResolvedDataset[]): string {
  const hash = createHash('sha256');
  for (const ds of datasets) {
    hash.update(`${ds.spec.config}\0${ds.spec.split}\n`);
    for (const f of ds.files) {
      if (!f.sha256) throw new Error(`filesFingerprint: ${f.path} has no sha256 (call withFileHashes first)`);
      hash.update(`${f.sha256}\0${f.size}\n`);
    }
  }
  return `sha256:${hash.digest('hex')}`;
}
