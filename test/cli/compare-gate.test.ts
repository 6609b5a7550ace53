// `npm run compare` and `npm run gate` as CI calls them: files written, exit codes 0, 1 and 2.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binarySamples, editRun, setHardware, tmpDir, writeRun } from '../helpers/runs.ts';
import { runCli } from '../helpers/run-cli.ts';

function runs() {
  const root = tmpDir('cli-gate-');
  const baseline = writeRun(join(root, 'baseline'), { suites: [{ suite: 'chartqa', samples: binarySamples(200, (i) => i < 150) }] });
  const same = writeRun(join(root, 'same'), { suites: [{ suite: 'chartqa', samples: binarySamples(200, (i) => i < 150) }] });
  const worse = writeRun(join(root, 'worse'), { suites: [{ suite: 'chartqa', samples: binarySamples(200, (i) => i < 100) }] });
  const other = writeRun(join(root, 'other'), { suites: [{ suite: 'chartqa', samples: binarySamples(200, (i) => i < 150), fingerprint: 'sha256:different' }] });
  return { root, baseline, same, worse, other };
}

describe('npm run gate', () => {
  it('exits 0 for identical runs, 1 for a significant drop, 2 for different data, and writes gate.md and gate.junit.xml', async () => {
    const r = runs();
    const pass = await runCli(['gate', '--baseline', r.baseline, '--candidate', r.same]);
    expect(pass.code, pass.stderr).toBe(0);
    expect(existsSync(join(r.same, 'gate.md'))).toBe(true);
    expect(existsSync(join(r.same, 'gate.junit.xml'))).toBe(true);
    const fail = await runCli(['gate', '--baseline', r.baseline, '--candidate', r.worse]);
    expect(fail.code).toBe(1);
    expect(readFileSync(join(r.worse, 'gate.junit.xml'), 'utf8')).toMatch(/<failure/);
    const refused = await runCli(['gate', '--baseline', r.baseline, '--candidate', r.other]);
    expect(refused.code).toBe(2);
    expect(refused.stdout + refused.stderr).toMatch(/fingerprint/);
  });

  it('bad input is exit 2 with a message naming the path', async () => {
    const r = await runCli(['gate', '--baseline', '/nonexistent/run', '--candidate', '/nonexistent/run2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/nonexistent\/run/);
  });
});

describe('npm run compare', () => {
  it('puts MI210, MI250 and MI300X runs in one report with ratio columns', async () => {
    const root = tmpDir('cli-compare-');
    const dirs = (['MI210', 'MI250', 'MI300X'] as const).map((gpu, i) => {
      const dir = writeRun(join(root, gpu), { suites: [{ suite: 'chartqa', samples: binarySamples(50, (k) => k < 40) }] });
      editRun(dir, (res) => setHardware(res, { model: gpu, vramTotalMiB: [65536, 131072, 196608][i], arch: gpu === 'MI300X' ? 'gfx942' : 'gfx90a' }, gpu));
      return dir;
    });
    const out = join(root, 'cmp');
    const r = await runCli(['compare', ...dirs, '--reference', 'MI300X', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const csv = readFileSync(join(out, 'comparison.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(4); // header + one row per GPU
    expect(csv[0]).toMatch(/ratio/);
    for (const f of ['comparison.md', 'comparison.html']) expect(existsSync(join(out, f))).toBe(true);
  });
});
