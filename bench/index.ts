// `npm run bench`: every benchmark of the project, one table each. Numbers are for this machine
// at this moment; compare ratios run side by side, never absolute times across machines.

import { cpus } from 'node:os';
import { benchScorers } from './scorers.bench.ts';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

process.stdout.write(`node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}\n\n`);
if (want('scorers')) {
  process.stdout.write('## Scorers (tinybench, 5 iterations after 1 warm-up)\n');
  console.table(await benchScorers());
}
