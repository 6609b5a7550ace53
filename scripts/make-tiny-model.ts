// Regenerates models/tiny-smolvlm/, the tiny random SmolVLM-shaped model that tests the ONNX backend
// and stands in for the default model when the Hub is unreachable (src/models/tiny-smolvlm/).
// Deterministic: the sha256 printed per file is the same on every run and machine.
//
//   npm run make-tiny-model                   # writes models/tiny-smolvlm/
//   npm run make-tiny-model -- --out /tmp/m   # writes elsewhere

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tinyModelFiles, writeTinyModel } from '../src/models/tiny-smolvlm/write-tiny-model.ts';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const outFlag = process.argv.indexOf('--out');
const out = outFlag >= 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]) : join(repoRoot, 'models', 'tiny-smolvlm');

await writeTinyModel(out);
let total = 0;
for (const { path } of tinyModelFiles()) {
  const bytes = await readFile(join(out, path));
  total += bytes.length;
  console.log(`${createHash('sha256').update(bytes).digest('hex')}  ${String(bytes.length).padStart(7)}  ${path}`);
}
console.log(`${total} bytes in ${out}`);
