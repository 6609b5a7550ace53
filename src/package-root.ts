// Where the package's own files live: package.json, datasets/ (bundled samples), models/tiny-smolvlm,
// python/, configs/ and reports/results.schema.json. Run directories are not here: they go under the
// working directory's reports/ (src/run/plan.ts).
//
// The build (tsconfig.build.json) maps <root>/src/x.ts to <root>/dist/src/x.js, so this module sits
// one folder below the root when run from source (tsx, vitest) and two folders below once compiled
// (a checkout's dist/, or node_modules/vlm-harness/dist/ when installed). Decided from this file's own
// extension: no file-system probing, so importing it does nothing.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const compiled = import.meta.url.endsWith('.js');

/** The package root, without a trailing separator. */
export const PACKAGE_ROOT = fileURLToPath(new URL(compiled ? '../../' : '../', import.meta.url)).replace(/[\\/]$/, '');

/** A path inside the package, e.g. packagePath('python', 'worker.py'). */
export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
