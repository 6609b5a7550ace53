// What `npm pack` ships and how the installed CLI finds its files: bundled samples, the tiny model,
// python/, configs/ and the schema resolve relative to the package (src/package-root.ts); run
// directories go under the working directory's reports/. The full pack → install → run check is
// scripts/check-pack.sh (run by .ci/run).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, packagePath } from '../../src/package-root.ts';
import { REPO, runCli } from '../helpers/run-cli.ts';

describe('the package', () => {
  it('npm pack ships the compiled CLI and the files it reads, and no tests', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const json = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = (JSON.parse(json) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
    for (const f of ['package.json', 'README.md', 'dist/src/cli.js', 'dist/src/package-root.js', 'dist/suites/index.js', 'datasets/mmmu/Math/validation-00000-of-00001.parquet', 'models/tiny-smolvlm/onnx/decoder_model_merged.onnx', 'models/tiny-smolvlm/tokenizer.json', 'python/worker.py', 'python/worker_model.py', 'configs/gates.yaml', 'configs/example.yaml', 'reports/results.schema.json']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(test|src|bench|scripts|suites)\/|\.ts$|tsbuildinfo|__pycache__|\.pyc$/.test(f))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ 'vlm-harness': 'dist/src/cli.js' });
    expect(readFileSync(join(REPO, pkg.bin['vlm-harness']), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('package paths point at the checkout from source (the compiled copy resolves them the same way)', () => {
    expect(PACKAGE_ROOT).toBe(REPO.replace(/[\\/]$/, ''));
    expect(existsSync(packagePath('package.json'))).toBe(true);
  });

  it('runs from any working directory: package files from the package, the run directory under ./reports', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cli-cwd-'));
    writeFileSync(join(cwd, 'preds.jsonl'), '{"id": "validation_Math_1", "prediction": "A"}\n');
    const r = await runCli(['eval', '--suite', 'mmmu', '--data', 'sample', '--ids', 'validation_Math_1', '--backend', 'replay', '--predictions', 'preds.jsonl'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const runs = readdirSync(join(cwd, 'reports'));
    expect(runs).toHaveLength(1);
    const results = JSON.parse(readFileSync(join(cwd, 'reports', runs[0], 'results.json'), 'utf8'));
    expect(results.suites[0].dataset.source).toBe('sample');
    expect(results.harness.version).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
    expect(r.stdout).toContain(`report: ${join('reports', runs[0])}/report.md`);

    // the default gate rules come from the package's configs/
    const gate = await runCli(['gate', '--baseline', join(cwd, 'reports', runs[0]), '--candidate', join(cwd, 'reports', runs[0]), '--out', join(cwd, 'gate')], { cwd });
    expect(gate.code, gate.stderr).toBe(0);
  });
});
