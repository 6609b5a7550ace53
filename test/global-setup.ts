// Once per vitest run: bring dist/ up to date, so the CLI tests (test/helpers/run-cli.ts) run the
// compiled dist/src/cli.js that `npx vlm-harness` runs, including right after an edit to src/
// (a no-op when nothing changed). See scripts/build-dist.mjs.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const script = fileURLToPath(new URL('../scripts/build-dist.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script, '--if-stale'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`node scripts/build-dist.mjs --if-stale failed (exit ${r.status ?? r.signal}); see above.`);
}
