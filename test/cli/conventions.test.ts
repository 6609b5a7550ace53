// Command-line conventions of the compiled `vlm-harness`: --version, --help with examples for every
// command, usage errors, and a start-up that loads only what the command needs (the heavy packages
// are imported by the commands and backends that use them; see the header of src/cli/main.ts).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/run-cli.ts';

const COMMANDS = ['score', 'eval', 'merge', 'meta-evals', 'compare', 'gate', 'probe', 'list'];
const dir = mkdtempSync(join(tmpdir(), 'cli-conventions-'));

describe('vlm-harness conventions', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
  });

  it('--help lists every command, examples and the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 fatal error, 2 usage or input error \(also a refused run directory\), 3 eval completed but failed \(a suite whose every sample errored, or --max-error-rate\), 130 interrupted/);
  });

  it.each(COMMANDS)('%s --help shows its options and an example of itself', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: vlm-harness ${command}\\b`));
    expect(r.stdout).toMatch(new RegExp(`Examples:\\n(  .*\\n)*  (cat .* \\| )?vlm-harness ${command}\\b`));
  });

  it('an unknown command or no command is a usage error (exit 2)', async () => {
    const unknown = await runCli(['evaluate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'evaluate'/);
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: vlm-harness');
  });
});

// Loaded only by the commands and backends that use them: native bindings, image codecs, parquet,
// the Hub client, the report writers, schema validation.
const HEAVY = ['onnxruntime-node', 'onnxruntime-common', '@huggingface/transformers', 'sharp', 'hyparquet', 'hyparquet-compressors', 'hyparquet-writer', '@huggingface/hub', 'csv-stringify', 'yaml'];

async function loadedPackages(args: string[]): Promise<{ packages: Set<string>; modules: string[] }> {
  const log = join(dir, `imports-${args.join('-').replace(/[^\w-]/g, '_')}.log`);
  writeFileSync(log, '');
  const r = await runCli(args, { env: { VLM_IMPORT_LOG: log, NODE_OPTIONS: `--import ${join(REPO, 'test/helpers/import-recorder.mjs')}` } });
  expect(r.code, r.stderr).toBe(0);
  const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const packages = new Set(modules.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((p): p is string => Boolean(p)));
  return { packages, modules };
}

describe('start-up loads only what the command runs', () => {
  it('--help, list and eval --help load commander and the harness\'s own light modules only', async () => {
    for (const args of [['--help'], ['list'], ['eval', '--help']]) {
      const { packages, modules } = await loadedPackages(args);
      expect([...packages], args.join(' ')).toEqual(['commander']);
      expect(modules.some((m) => m.endsWith('/dist/src/cli.js'))).toBe(true);
      expect(modules.filter((m) => /\/dist\/src\/(run\/eval\.js|report\/(compare\/|gate\/|charts\/|write-report\.js|schema\.js))/.test(m))).toEqual([]);
    }
  });

  it('score loads its scorer and input validation, none of the heavy packages', async () => {
    const file = join(dir, 'one.jsonl');
    writeFileSync(file, `${JSON.stringify({ id: '1', prediction: 'yes', references: Array(10).fill('yes') })}\n`);
    const { packages } = await loadedPackages(['score', '--metric', 'vqa', '--input', file]);
    for (const p of HEAVY) expect(packages.has(p), p).toBe(false);
    // score lines are checked by hand (src/run/score-file.ts), not with zod
    expect([...packages].sort()).toEqual(['commander']);
  });

  it('the recorder sees the heavy packages when a command does use them', async () => {
    const { packages } = await loadedPackages(['eval', '--suite', 'chartqa', '--data', 'sample', '--limit', '1', '--backend', 'onnx', '--model', join(REPO, 'models/tiny-smolvlm'), '--out', join(dir, 'onnx-run')]);
    for (const p of ['onnxruntime-node', '@huggingface/transformers', 'sharp', 'hyparquet']) expect(packages.has(p), p).toBe(true);
  });
});
