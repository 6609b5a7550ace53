// An emulated `MMMU/MMMU` dataset repo (../shared/spec/datasets.md §1.2): one folder per subject,
// `<Subject>/{dev,validation,test}-00000-of-00001.parquet`. Math/validation is the bundled sample's
// file; the others are decoys that a Math-validation run must never download.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SAMPLES_ROOT } from '../../src/data/dataset.ts';
import type { DatasetSpec } from '../../src/types.ts';

export const MMMU_REPO = 'MMMU/MMMU';
export const MATH_VALIDATION = 'Math/validation-00000-of-00001.parquet';
export const MATH_SPEC: DatasetSpec = { repo: MMMU_REPO, config: 'Math', split: 'validation', dataFiles: ['Math/validation-*'] };

export async function mmmuRepoFiles(): Promise<Map<string, Uint8Array>> {
  const validation = new Uint8Array(await readFile(join(SAMPLES_ROOT, 'mmmu', MATH_VALIDATION)));
  const decoy = (n: number) => new Uint8Array(4096).fill(n);
  return new Map<string, Uint8Array>([
    ['README.md', new TextEncoder().encode('---\nconfigs:\n- config_name: Math\n  data_files:\n  - split: validation\n    path: Math/validation-*\n---\n')],
    ['Art/validation-00000-of-00001.parquet', decoy(1)],
    ['Math/dev-00000-of-00001.parquet', decoy(2)],
    ['Math/test-00000-of-00001.parquet', decoy(3)],
    [MATH_VALIDATION, validation],
  ]);
}
