// An emulated `MMMU/MMMU` dataset repo (../shared/spec/datasets.md §1.2): one folder per subject,
// `<Subject>/{dev,validation,test}-00000-of-00001.parquet`. Math/validation is the bundled sample's
// file; the others are decoys that a Math-validation run must never download. writeMmmuSubjects
// makes a local folder with all 30 subjects, for `--subject all`.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { mmmuSamples } from '../../scripts/samples/mmmu.ts';
import { SAMPLES_ROOT } from '../../src/data/dataset.ts';
import { parquetBytes } from '../../src/data/write-parquet.ts';
import type { DatasetSpec } from '../../src/types.ts';
import { MMMU_SUBJECTS } from '../../suites/mmmu.ts';

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

/**
 * A local MMMU validation folder with every subject, laid out as the repo is
 * (`<Subject>/validation-00000-of-00001.parquet`, MMMU/MMMU's columns): `rowsPerSubject`
 * multiple-choice questions each, ids `validation_<Subject>_<n>`, gold letter A, B, C, D, A, …
 */
export async function writeMmmuSubjects(dir: string, rowsPerSubject: number): Promise<Array<{ id: string; subject: string; gold: string }>> {
  const png = new Uint8Array(await sharp({ create: { width: 8, height: 6, channels: 3, background: '#3366cc' } }).png().toBuffer());
  const written: Array<{ id: string; subject: string; gold: string }> = [];
  for (const subject of MMMU_SUBJECTS) {
    const rows = Array.from({ length: rowsPerSubject }, (_, k) => {
      const gold = 'ABCD'[k % 4];
      const id = `validation_${subject}_${k + 1}`;
      written.push({ id, subject, gold });
      return {
        id,
        question: `Question ${k + 1} of ${subject}: which option is right in <image 1>?`,
        options: "['one', 'two', 'three', 'four']",
        explanation: '',
        image_1: { bytes: png, path: null },
        ...Object.fromEntries([2, 3, 4, 5, 6, 7].map((n) => [`image_${n}`, null])),
        img_type: "['Diagrams']",
        answer: gold,
        topic_difficulty: 'Easy',
        question_type: 'multiple-choice',
        subfield: subject,
      };
    });
    await mkdir(join(dir, subject), { recursive: true });
    await writeFile(join(dir, subject, 'validation-00000-of-00001.parquet'), parquetBytes({ features: mmmuSamples.features, rows }));
  }
  return written;
}
