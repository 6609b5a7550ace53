// Whole-process start-up of the compiled CLI, side by side with `node -e 0` and with the tsx path
// that `npm run score` took before the CLI was compiled: wall time from spawn to exit, the commands
// alternated round by round so machine load hits all of them alike. Reports medians.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO, 'dist', 'src', 'cli.js');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
}

export async function benchStartup(o: { rounds?: number } = {}): Promise<Array<Record<string, string | number>>> {
  const rounds = o.rounds ?? 30;
  const build = spawnSync(process.execPath, [join(REPO, 'scripts', 'build-dist.mjs'), '--if-stale'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('node scripts/build-dist.mjs --if-stale failed');
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  const one = join(dir, 'one.jsonl');
  writeFileSync(one, `${JSON.stringify({ id: '1', prediction: 'yes', references: Array(10).fill('yes') })}\n`);
  const score = ['score', '--metric', 'vqa', '--input', one];
  const commands: Array<{ name: string; file: string; args: string[] }> = [
    { name: 'node -e 0', file: process.execPath, args: ['-e', '0'] },
    { name: 'vlm-harness --help', file: process.execPath, args: [CLI, '--help'] },
    { name: 'vlm-harness score (1 line)', file: process.execPath, args: [CLI, ...score] },
    { name: 'tsx src/cli.ts score (1 line)', file: TSX, args: [join(REPO, 'src', 'cli.ts'), ...score] },
  ];
  const times = commands.map(() => [] as number[]);
  for (let round = 0; round < rounds + 1; round++) {
    // rotate the order every round; round 0 warms the file-system cache and is not counted
    for (let k = 0; k < commands.length; k++) {
      const i = (k + round) % commands.length;
      const c = commands[i];
      const t0 = performance.now();
      const r = spawnSync(c.file, c.args, { stdio: 'ignore', cwd: REPO });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}`);
      if (round > 0) times[i].push(ms);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const base = quantile([...times[0]].sort((a, b) => a - b), 0.5);
  return commands.map((c, i) => {
    const s = [...times[i]].sort((a, b) => a - b);
    const median = quantile(s, 0.5);
    return { command: c.name, runs: s.length, 'median ms': Math.round(median), 'p10 ms': Math.round(quantile(s, 0.1)), 'p90 ms': Math.round(quantile(s, 0.9)), 'x node -e 0': Number((median / base).toFixed(2)) };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.table(await benchStartup());
}
