// Performance is compared only between equal load settings: the gate skips its speed checks (and
// says why) when the runs ran at another concurrency, rate, worker count, max tokens or prompt
// style, or mix loads; compare leaves those ratios out. Accuracy is compared regardless. Runs on
// the tiny fallback model or the bundled sample are flagged by both.

import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/report/compare/compare.ts';
import { gateRuns } from '../../src/report/gate/gate.ts';
import { binarySamples, editRun, setHardware, timedPerf, tmpDir, writeRun, type FixtureSuite } from '../helpers/runs.ts';

const FAST = { resamples: 500, corpusResamples: 50 };
const samples = () => binarySamples(100, (i) => i < 70);

function gatePair(baseline: Partial<FixtureSuite>, candidate: Partial<FixtureSuite>, candidateModel?: string) {
  const root = tmpDir('gate-load-');
  return {
    baseline: writeRun(join(root, 'baseline'), { suites: [{ suite: 'chartqa', samples: samples(), ...baseline }] }),
    candidate: writeRun(join(root, 'candidate'), { suites: [{ suite: 'chartqa', samples: samples(), ...candidate }], ...(candidateModel ? { model: { id: candidateModel } } : {}) }),
  };
}

const checkOf = (o: Awaited<ReturnType<typeof gateRuns>>, name: string) => o.checks.find((c) => c.name === name)!;

describe('gate: load settings', () => {
  it('a concurrency-1 baseline against a concurrency-2 candidate skips the perf checks with the reason; accuracy still decides', async () => {
    const { baseline, candidate } = gatePair(
      { load: { concurrency: 1 }, perf: timedPerf({ ttftP50: 100, ttftP99: 200 }) },
      { load: { concurrency: 2 }, perf: timedPerf({ ttftP50: 300, ttftP99: 900, outputTokensPerSec: 1800 }) },
    );
    const outcome = await gateRuns({ baseline, candidate, ...FAST });
    expect(outcome.exitCode).toBe(0);
    for (const name of ['output tokens/s', 'TTFT p50', 'TTFT p99', 'peak VRAM']) {
      expect(checkOf(outcome, name).verdict, name).toBe('skip');
    }
    expect(checkOf(outcome, 'TTFT p50').note).toBe('Not compared: the runs were made under different load (concurrency 1 vs 2; baseline vs candidate). Accuracy is still compared.');
    expect(checkOf(outcome, 'relaxed_accuracy').verdict).toBe('pass');
    expect(outcome.table).not.toMatch(/REGRESSION/);
    expect(outcome.notes).toContain('chartqa: the runs were made under different load (concurrency 1 vs 2; baseline vs candidate): throughput, TTFT and peak VRAM are not compared; accuracy and errored samples are.');
    expect(readFileSync(join(candidate, 'gate.md'), 'utf8')).toMatch(/concurrency 1 vs 2/);
  });

  it('equal loads are compared as before: a TTFT rise fails', async () => {
    const { baseline, candidate } = gatePair({ perf: timedPerf({ ttftP50: 100, ttftP99: 200 }) }, { perf: timedPerf({ ttftP50: 300, ttftP99: 200 }) });
    const outcome = await gateRuns({ baseline, candidate, ...FAST });
    expect(outcome.exitCode).toBe(1);
    expect(checkOf(outcome, 'TTFT p50').verdict).toBe('fail');
  });

  it('other request rate, max tokens or prompt style, and mixed loads, are not comparable either', async () => {
    for (const [cand, why] of [
      [{ load: { requestRate: 4 } }, /request rate unthrottled vs 4/],
      [{ load: { maxTokens: 512 } }, /max tokens 16 vs 512/],
      [{ load: { promptStyle: 'llama-3.2' } }, /prompt style lmms-eval vs llama-3\.2/],
      [{ perf: { ...timedPerf(), mixedLoad: true } }, /the candidate figures pool invocations run under different load settings/],
    ] as const) {
      const { baseline, candidate } = gatePair({}, cand);
      const outcome = await gateRuns({ baseline, candidate, ...FAST });
      expect(checkOf(outcome, 'output tokens/s').verdict).toBe('skip');
      expect(checkOf(outcome, 'output tokens/s').note).toMatch(why);
    }
  });

  it('a baseline made before loads were recorded is compared, with a note', async () => {
    const { baseline, candidate } = gatePair({ load: null }, {});
    const outcome = await gateRuns({ baseline, candidate, ...FAST });
    expect(checkOf(outcome, 'output tokens/s').verdict).toBe('pass');
    expect(outcome.notes.join('\n')).toMatch(/The baseline run does not record its load settings/);
  });

  it('flags a candidate made with the tiny fallback model or the bundled sample', async () => {
    const { baseline, candidate } = gatePair({}, { source: 'sample' }, 'vlm-harness/tiny-random-smolvlm');
    const outcome = await gateRuns({ baseline, candidate, ...FAST });
    expect(outcome.notes[0]).toMatch(/^The candidate run used the tiny fallback model vlm-harness\/tiny-random-smolvlm \(random weights\)/);
    expect(outcome.notes[1]).toMatch(/^The candidate run used the bundled synthetic sample data .* for chartqa/);
    expect(outcome.table).toMatch(/Note: The candidate run used the tiny fallback model/);
    expect(readFileSync(join(candidate, 'gate.md'), 'utf8')).toMatch(/> The candidate run used the tiny fallback model/);
  });
});

describe('compare: load settings and caveats', () => {
  it('leaves out the ratios of rows measured under another load, says why, and flags fallback runs', async () => {
    const root = tmpDir('compare-load-');
    const dirs = [1, 16].map((concurrency, i) => {
      const dir = writeRun(join(root, `c${concurrency}`), { suites: [{ suite: 'chartqa', samples: samples(), load: { concurrency }, perf: timedPerf({ outputTokensPerSec: 1000 * (i + 1) }) }], label: `box${i}` });
      return dir;
    });
    const fallback = join(root, 'fallback');
    cpSync(dirs[0], fallback, { recursive: true });
    editRun(fallback, (r) => {
      r.model.id = 'vlm-harness/tiny-random-smolvlm';
      r.runId = 'fallback-run';
      setHardware(r, { model: 'MI210', vramTotalMiB: 65_520, arch: 'gfx90a' }, 'box2');
    });
    const out = join(root, 'out');
    const outcome = await compareRuns({ inputs: [...dirs, fallback], out });
    const csv = readFileSync(join(out, 'comparison.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const col = (name: string) => csv[0].indexOf(name);
    expect(csv.slice(1).map((r) => [r[col('row')], r[col('throughput_ratio')], r[col('concurrency')], r[col('same_load_as_reference')]])).toEqual([
      ['box0', '1', '1', 'true'],
      ['box1', 'n/a', '16', 'false'],
      ['box2', '1', '1', 'true'],
    ]);
    const warning = outcome.warnings.find((w) => w.startsWith('chartqa: performance is compared only under equal load'));
    expect(warning).toMatch(/the reference row box0 ran at concurrency 1, .* differ \(reference vs row\): box1 \(concurrency 1 vs 16\)\. Their throughput, TTFT and VRAM ratios are left out; accuracy is still compared\./);
    expect(outcome.warnings.join('\n')).toMatch(/Run fallback-run \(.*fallback\) used the tiny fallback model/);
    const md = readFileSync(join(out, 'comparison.md'), 'utf8');
    expect(md).toMatch(/\| box1 \| bfloat16 \| 70\.00 .* \| 2000\.0 \| n\/a \| .* \| conc 16, max 16 ≠ \|/);
  });
});
