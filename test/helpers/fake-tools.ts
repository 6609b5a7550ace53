// Stand-in executables for the GPU tools: small Node scripts written into a temp dir that a test puts
// first (or alone) on PATH through the `env` it passes to the probe or sampler — process.env is never
// touched. Each script prints a fixture or a fixed text, can answer by argument, sleep, fail, or walk
// through a sequence of outputs (one per call, counted in a file), and records every argv it got.

import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeToolSpec {
  /** Printed on stdout. */
  stdout?: string;
  /** A file whose content is printed on stdout (a fixture). */
  fixture?: string | URL;
  stderr?: string;
  exitCode?: number;
  /** Waits this long before printing (for timeouts). */
  sleepMs?: number;
  /** One stdout per call (calls counted across all argument patterns); past the end: exit 3. */
  sequence?: string[];
  /** The first entry whose `match` occurs in the space-joined arguments answers instead. */
  byArgs?: Array<{ match: string; spec: FakeToolSpec }>;
}

export interface FakeTools {
  dir: string;
  /** `{ PATH: dir }`: only the stand-ins are found. */
  env: NodeJS.ProcessEnv;
  add(name: string, spec: FakeToolSpec): Promise<string>;
  /** The argument lists the stand-in was called with, in order. */
  calls(name: string): Promise<string[][]>;
  cleanup(): Promise<void>;
}

// CommonJS on purpose: the temp dir has no package.json, so an extension-less script is CommonJS.
const RUNNER = `
const fs = require('fs');
const self = __filename;
const args = process.argv.slice(2);
fs.appendFileSync(self + '.calls', JSON.stringify(args) + '\\n');
const call = fs.readFileSync(self + '.calls', 'utf8').split('\\n').filter(Boolean).length;
const cfg = JSON.parse(fs.readFileSync(self + '.json', 'utf8'));
const joined = args.join(' ');
const hit = (cfg.byArgs || []).find((b) => joined.includes(b.match));
const spec = hit ? hit.spec : cfg;
const answer = () => {
  let out = spec.stdout || '';
  if (spec.fixture) out = fs.readFileSync(spec.fixture, 'utf8');
  if (spec.sequence) {
    if (call > spec.sequence.length) {
      process.stderr.write('sequence exhausted\\n');
      process.exit(3);
    }
    out = spec.sequence[call - 1];
  }
  process.stdout.write(out);
  if (spec.stderr) process.stderr.write(spec.stderr);
  process.exitCode = spec.exitCode || 0;
};
if (spec.sleepMs) setTimeout(answer, spec.sleepMs);
else answer();
`;

function plain(spec: FakeToolSpec): FakeToolSpec {
  return {
    ...spec,
    fixture: spec.fixture instanceof URL ? spec.fixture.pathname : spec.fixture,
    byArgs: spec.byArgs?.map((b) => ({ match: b.match, spec: plain(b.spec) })),
  };
}

export async function createFakeTools(): Promise<FakeTools> {
  const dir = await mkdtemp(join(tmpdir(), 'vlm-fake-tools-'));
  return {
    dir,
    env: { PATH: dir },
    async add(name, spec) {
      const file = join(dir, name);
      await writeFile(`${file}.json`, JSON.stringify(plain(spec)));
      await writeFile(file, `#!${process.execPath}\n${RUNNER}`);
      await chmod(file, 0o755);
      return file;
    },
    async calls(name) {
      const text = await readFile(join(dir, `${name}.calls`), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[]);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
