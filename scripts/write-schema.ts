// `npm run schema`: writes reports/results.schema.json from the zod results schema.
import { writeFileSync } from 'node:fs';
import { resultsJsonSchema } from '../src/report/schema.ts';

const target = new URL('../reports/results.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(resultsJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target.pathname}\n`);
