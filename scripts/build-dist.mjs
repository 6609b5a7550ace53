// Compiles src/ and suites/ into dist/ with tsconfig.build.json (`bin: vlm-harness` is
// dist/src/cli.js). Plain JavaScript so it runs before anything is built and costs no loader.
//
//   node scripts/build-dist.mjs             clean build (`npm run build`, and `npm ci` via `prepare`)
//   node scripts/build-dist.mjs --if-stale  incremental build, skipped when no file under src/,
//                                           suites/ or the build configs is newer than the last one
//
// `--if-stale` runs before `npm run eval|score|…` and once per vitest run (test/global-setup.ts),
// so after an edit to src/ both run the new code without a separate build step. A type error is
// printed but does not stop them (like tsx and vitest, which ignore types); it fails a clean build.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(REPO, 'dist');
// written by tsc (incremental) and touched after every successful build
const STAMP = join(DIST, '.tsbuildinfo');
const INPUTS = ['src', 'suites', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestMtime(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  // a folder's own mtime moves when a file in it is added, removed or renamed
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function isFresh() {
  const stamp = statSync(STAMP, { throwIfNoEntry: false });
  if (!stamp || !existsSync(join(DIST, 'src', 'cli.js'))) return false;
  return INPUTS.every((p) => newestMtime(join(REPO, p)) <= stamp.mtimeMs);
}

const ifStale = process.argv.includes('--if-stale');
if (!ifStale || !isFresh()) {
  if (!ifStale) rmSync(DIST, { recursive: true, force: true });
  else process.stderr.write('building dist/ (src/ changed since the last build)\n');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(REPO, 'tsconfig.build.json')], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.error) throw r.error;
  const output = `${r.stdout}${r.stderr}`.trim();
  if (r.status === 0) {
    const now = new Date();
    utimesSync(STAMP, now, now);
  } else {
    process.stderr.write(`tsc -p tsconfig.build.json failed:\n${output}\n`);
    if (!ifStale || !existsSync(join(DIST, 'src', 'cli.js'))) process.exitCode = 1;
    else process.stderr.write('(running what it emitted)\n');
  }
}
