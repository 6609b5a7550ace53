// Writes the realistic MMMU mix (bench/mmmu-mix.ts) as a score file, so that the official
// eval_utils.py can be timed on the same inputs (bench/reference/time-mmmu-official.py):
//   npx tsx bench/write-mmmu-mix.ts /tmp/mmmu-mix.jsonl [n]

import { writeFileSync } from 'node:fs';
import { mmmuRealisticInputs } from './mmmu-mix.ts';

const [out, n] = process.argv.slice(2);
if (!out) throw new Error('usage: npx tsx bench/write-mmmu-mix.ts <out.jsonl> [n]');
const lines = mmmuRealisticInputs(n ? Number(n) : undefined).map((s) =>
  JSON.stringify({ id: s.id, prediction: s.prediction, references: s.references, options: s.options, question_type: s.questionType }),
);
writeFileSync(out, `${lines.join('\n')}\n`);
