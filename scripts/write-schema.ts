// `npm run schema`: writes reports/results.schema.json and reports/sweep.schema.json from the zod
// schemas of results.json and sweep.json.
import { writeFileSync } from 'node:fs';
import { resultsJsonSchema } from '../src/report/schema.ts';
import { sweepJsonSchema } from '../src/sweep/sweep-schema.ts';

for (const [name, schema] of [
  ['results.schema.json', resultsJsonSchema()],
  ['sweep.schema.json', sweepJsonSchema()],
] as const) {
  const target = new URL(`../reports/${name}`, import.meta.url);
  writeFileSync(target, `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote ${target.pathname}\n`);
}
